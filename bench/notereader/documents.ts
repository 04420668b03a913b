import { createCdaDocument } from '@ehr-gateway/cda';
import type { AllergyIntolerance, Condition, MedicationStatement } from '@medplum/fhirtypes';

const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SENTENCES = [
  'Patient reports intermittent chest pain on exertion, relieved by rest.',
  'Denies fever, chills or night sweats.',
  'History of hypertension and type 2 diabetes, both well controlled on current therapy.',
  'Lungs clear to auscultation bilaterally; no wheeze.',
  'Plan: continue lisinopril, recheck HbA1c in three months, and review in clinic.',
];

/** A signed note of roughly `kilobytes` KB: narrative sections plus coded problems, medications and allergies. */
export function benchDocument(kilobytes: number): string {
  const entries = Math.max(2, Math.round(kilobytes / 6));
  const conditions: Condition[] = Array.from({ length: entries }, (_, i) => ({
    resourceType: 'Condition',
    code: { coding: [{ system: SNOMED, code: String(38341003 + i), display: `Problem ${i}` }] },
    subject: { reference: 'Patient/p' },
    onsetDateTime: '2020-01-01',
  }));
  const medications: MedicationStatement[] = Array.from({ length: entries }, (_, i) => ({
    resourceType: 'MedicationStatement',
    status: 'active',
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: String(314076 + i), display: `Medication ${i}` }] },
    subject: { reference: 'Patient/p' },
  }));
  const allergies: AllergyIntolerance[] = [
    {
      resourceType: 'AllergyIntolerance',
      code: { coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }] },
      patient: { reference: 'Patient/p' },
      reaction: [
        {
          manifestation: [{ coding: [{ system: SNOMED, code: '271807003', display: 'Eruption of skin' }] }],
          severity: 'mild',
        },
      ],
    },
  ];
  let text = '';
  for (let i = 0; Buffer.byteLength(text) < kilobytes * 260; i++) text += `${SENTENCES[i % SENTENCES.length]}\n`;
  return createCdaDocument({
    patient: {
      resourceType: 'Patient',
      name: [{ given: ['Bench'], family: 'Patient' }],
      gender: 'female',
      birthDate: '1970-01-01',
    },
    effectiveTime: '2026-11-26T08:00:00Z',
    notes: [
      { loinc: '10164-2', title: 'History of present illness', text },
      { loinc: '51847-2', title: 'Assessment and plan', text },
    ],
    entries: [...conditions, ...medications, ...allergies],
  }).serialize();
}
