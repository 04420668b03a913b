import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import {
  ALLERGIES,
  CITIES,
  CONDITIONS,
  FAMILY_NAMES,
  GIVEN_NAMES,
  LABS,
  LOINC,
  MEDICATIONS,
  RXNORM,
  SNOMED,
  VITALS,
} from './clinical-codes';

/** mulberry32: a small deterministic PRNG, so the same seed always gives the same patients. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticOptions {
  patients: number;
  seed?: number;
  /** Dates are placed before this instant. Default 2026-01-01. */
  now?: Date;
}

const MRN_SYSTEM = 'urn:oid:2.16.840.1.113883.19.5.99999.2';
const DAY = 86_400_000;

/**
 * Synthetic patients, one transaction Bundle each (resources linked by
 * `urn:uuid` references): demographics, encounters, conditions, vital signs and
 * labs (about a third abnormal), medication requests, and allergies (about a
 * quarter of patients allergic to penicillin).
 */
export function syntheticPatientBundles(options: SyntheticOptions): Bundle[] {
  const random = prng(options.seed ?? 42);
  const now = (options.now ?? new Date('2026-01-01T00:00:00Z')).getTime();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (low: number, high: number, decimals = 0) =>
    Number((low + random() * (high - low)).toFixed(decimals));
  const date = (daysAgoMax: number) => new Date(now - Math.floor(random() * daysAgoMax) * DAY).toISOString();

  return Array.from({ length: options.patients }, (_, index) => {
    const entries: BundleEntry[] = [];
    let counter = 0;
    const add = (resource: Resource): string => {
      const fullUrl = `urn:uuid:${index.toString(16).padStart(8, '0')}-0000-4000-8000-${(counter++).toString(16).padStart(12, '0')}`;
      entries.push({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
      return fullUrl;
    };

    const gender = random() < 0.5 ? 'female' : 'male';
    const birthDate = date(365 * 85).slice(0, 10);
    const place = pick(CITIES);
    const patient = add({
      resourceType: 'Patient',
      identifier: [{ system: MRN_SYSTEM, value: `MRN${String(100000 + index)}` }],
      name: [{ use: 'official', family: pick(FAMILY_NAMES), given: [pick(GIVEN_NAMES[gender])] }],
      gender,
      birthDate,
      address: [{ line: [`${between(1, 999)} Main St`], ...place, country: 'US' }],
    });
    const subject = { reference: patient };

    const encounters = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
      const start = date(365 * 3);
      const inpatient = random() < 0.3;
      return add({
        resourceType: 'Encounter',
        status: 'finished',
        class: {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: inpatient ? 'IMP' : 'AMB',
          display: inpatient ? 'inpatient encounter' : 'ambulatory',
        },
        subject,
        period: { start, end: new Date(Date.parse(start) + (inpatient ? 3 * DAY : 3_600_000)).toISOString() },
      });
    });

    const conditions = [...CONDITIONS].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
    for (const condition of conditions) {
      add({
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        verificationStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
        },
        category: [
          {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }],
          },
        ],
        code: { coding: [{ system: SNOMED, ...condition }], text: condition.display },
        subject,
        onsetDateTime: date(365 * 10),
      });
    }

    const abnormal = random() < 0.35;
    const encounter = { reference: encounters[encounters.length - 1] };
    const observation = (category: string, code: string, display: string, value: number, unit: string) =>
      add({
        resourceType: 'Observation',
        status: 'final',
        category: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] },
        ],
        code: { coding: [{ system: LOINC, code, display }], text: display },
        subject,
        encounter,
        effectiveDateTime: date(365),
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    for (const vital of VITALS) {
      const [low, high] = abnormal && random() < 0.5 ? vital.abnormal : vital.normal;
      observation('vital-signs', vital.code, vital.display, between(low, high, 1), vital.ucum);
    }
    for (const lab of LABS) {
      const [low, high] = abnormal && random() < 0.5 ? lab.abnormal : lab.normal;
      observation('laboratory', lab.code, lab.display, between(low, high, 1), lab.unit);
    }

    for (const medication of [...MEDICATIONS].sort(() => random() - 0.5).slice(0, Math.floor(random() * 3))) {
      add({
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { coding: [{ system: RXNORM, ...medication }], text: medication.display },
        subject,
        authoredOn: date(365),
        dosageInstruction: [{ text: 'Take one tablet by mouth daily' }],
      });
    }

    const allergies = [
      random() < 0.25 ? ALLERGIES[0] : undefined,
      random() < 0.1 ? ALLERGIES[1] : undefined,
      random() < 0.08 ? ALLERGIES[2] : undefined,
    ];
    for (const allergy of allergies.filter((a) => a !== undefined)) {
      add({
        resourceType: 'AllergyIntolerance',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
        },
        verificationStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' },
          ],
        },
        type: 'allergy',
        category: [allergy.substance.system === SNOMED ? 'food' : 'medication'],
        criticality: allergy.reaction.code === '39579001' ? 'high' : 'low',
        code: { coding: [allergy.substance], text: allergy.substance.display },
        patient: subject,
        reaction: [
          {
            manifestation: [{ coding: [{ system: SNOMED, ...allergy.reaction }], text: allergy.reaction.display }],
            severity: allergy.reaction.code === '39579001' ? 'severe' : 'mild',
          },
        ],
      });
    }
    return { resourceType: 'Bundle', type: 'transaction', entry: entries } satisfies Bundle;
  });
}
