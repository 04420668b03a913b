import { Injectable } from '@nestjs/common';
import { NoteReaderHandler, NoteReaderRequest, NoteReaderResult } from '@ehr-gateway/notereader';

@Injectable()
export class SepsisFlagHandler {
  @NoteReaderHandler()
  async handle(request: NoteReaderRequest): Promise<NoteReaderResult> {
    // request.sessionId, workType, organizationId; request.document (the CdaDocument);
    // request.fhir: patient, conditions, medications, allergies, notes (DocumentReference per narrative section)
    const text = request.document
      .sections()
      .map((section) => section.text)
      .join('\n');
    if (!/sepsis/i.test(text)) return {}; // the note back unchanged
    return {
      resources: [
        {
          // added as coded entries, with narrative
          resourceType: 'Condition',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '91302008', display: 'Sepsis' }] },
          subject: { reference: 'Patient/patient' },
        },
      ],
    };
  }
}
