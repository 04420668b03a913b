import { Injectable } from '@nestjs/common';
import { NoteReaderHandler, NoteReaderRequest, NoteReaderResult } from '@ehr-gateway/notereader';
import type { Condition } from '@medplum/fhirtypes';
import { matchProblems } from './problem-matcher';

const SNOMED = 'http://snomed.info/sct';

/**
 * The sample NoteReader handler: finds problems in the note's narrative
 * sections with a small term matcher, and adds those not already on the
 * problem list as Condition entries. A model would plug in the same way.
 */
@Injectable()
export class ProblemExtractionHandler {
  @NoteReaderHandler()
  extract(request: NoteReaderRequest): NoteReaderResult {
    const known = new Set(
      request.fhir.conditions.flatMap(
        (c) => c.code?.coding?.filter((coding) => coding.system === SNOMED).map((coding) => coding.code) ?? [],
      ),
    );
    const narrative = request.document
      .sections()
      .filter((section) => section.type?.kind === 'note' || section.type === undefined)
      .map((section) => section.text)
      .join('\n');
    const resources: Condition[] = matchProblems(narrative)
      .filter((problem) => !known.has(problem.code))
      .map((problem) => ({
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        verificationStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'provisional' }],
        },
        code: { coding: [{ system: SNOMED, code: problem.code, display: problem.display }], text: problem.display },
        subject: { reference: 'Patient/patient' },
        note: [{ text: `Found in the note: "${problem.evidence.slice(0, 200)}"` }],
      }));
    return { resources };
  }
}
