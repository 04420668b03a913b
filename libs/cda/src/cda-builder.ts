import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { CdaDocument, InsertableResource } from './cda-document';
import { toHl7Timestamp } from './mapping/cda-values';

export interface CdaNoteSection {
  /** LOINC section code (`51847-2` assessment and plan, `10164-2` history of present illness, ...). */
  loinc: string;
  title: string;
  text: string;
}

export interface NewCdaDocument {
  patient: Patient;
  title?: string;
  /** When the note was signed. Default: now. */
  effectiveTime?: string;
  notes?: CdaNoteSection[];
  /** Coded entries, placed in problem, medication and allergy sections. */
  entries?: InsertableResource[];
}

const escapeXml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** A new C-CDA R2.1 Progress Note for a patient: header, narrative note sections, coded entries. */
export function createCdaDocument(input: NewCdaDocument): CdaDocument {
  const { patient } = input;
  const name = patient.name?.[0];
  const gender = ({ male: 'M', female: 'F' } as Record<string, string>)[patient.gender ?? ''] ?? 'UN';
  const mrn = patient.identifier?.[0]?.value ?? patient.id ?? 'unknown';
  const sections = (input.notes ?? [])
    .map(
      (note) => `<component><section>
<code code="${escapeXml(note.loinc)}" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC"/>
<title>${escapeXml(note.title)}</title>
<text>${note.text
        .split(/\n+/)
        .map((paragraph) => `<paragraph>${escapeXml(paragraph)}</paragraph>`)
        .join('')}</text>
</section></component>`,
    )
    .join('\n');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<realmCode code="US"/>
<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
<templateId root="2.16.840.1.113883.10.20.22.1.1" extension="2015-08-01"/>
<templateId root="2.16.840.1.113883.10.20.22.1.9" extension="2015-08-01"/>
<id root="2.16.840.1.113883.19.5.99999.1" extension="${randomUUID()}"/>
<code code="11506-3" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Progress note"/>
<title>${escapeXml(input.title ?? 'Progress note')}</title>
<effectiveTime value="${toHl7Timestamp(input.effectiveTime ?? new Date().toISOString())}"/>
<confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
<languageCode code="en-US"/>
<recordTarget><patientRole>
<id root="2.16.840.1.113883.19.5.99999.2" extension="${escapeXml(mrn)}"/>
<patient>
<name>${(name?.given ?? []).map((given) => `<given>${escapeXml(given)}</given>`).join('')}${name?.family ? `<family>${escapeXml(name.family)}</family>` : ''}</name>
<administrativeGenderCode code="${gender}" codeSystem="2.16.840.1.113883.5.1"/>
${patient.birthDate ? `<birthTime value="${toHl7Timestamp(patient.birthDate)}"/>` : ''}
</patient>
</patientRole></recordTarget>
<component><structuredBody>
${sections}
</structuredBody></component>
</ClinicalDocument>`;
  const document = CdaDocument.parse(xml);
  if (input.entries?.length) document.addResources(input.entries);
  return document;
}
