import type { AllergyIntolerance, CodeableConcept, Condition, MedicationStatement } from '@medplum/fhirtypes';
import { XmlNode, attr, child, descend } from '@ehr-gateway/xml';
import { NarrativeResolver, effectiveRange, identifiersOf, templateIdsOf, toCodeableConcept } from './cda-values';

/** SNOMED CT problem/allergy status values and FHIR clinical statuses. */
const CLINICAL_STATUS: Record<string, string> = {
  '55561003': 'active',
  '73425007': 'inactive',
  '413322009': 'resolved',
};
/** Severity values (SNOMED CT, and HL7 ObservationValue H/M/L in CCD 1.0 documents) and FHIR reaction severities. */
const SEVERITY: Record<string, 'mild' | 'moderate' | 'severe'> = {
  H: 'severe',
  M: 'moderate',
  L: 'mild',
  '255604002': 'mild',
  '371923003': 'moderate',
  '6736007': 'moderate',
  '371924009': 'severe',
  '24484000': 'severe',
  '399166001': 'severe',
};
/** SNOMED CT allergy types and FHIR categories. */
const ALLERGY_CATEGORY: Record<string, 'medication' | 'food' | 'environment'> = {
  '416098002': 'medication',
  '419511003': 'medication',
  '59037007': 'medication',
  '414285001': 'food',
  '235719002': 'food',
  '418471000': 'food',
  '426232007': 'environment',
};
const REACTION_TEMPLATES = new Set(['2.16.840.1.113883.10.20.22.4.9', '2.16.840.1.113883.10.20.1.54']);
const SEVERITY_TEMPLATES = new Set(['2.16.840.1.113883.10.20.22.4.8', '2.16.840.1.113883.10.20.1.55']);
const STATUS_CODE = '33999-4';

const conditionClinicalSystem = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const allergyClinicalSystem = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

/** The clinical observations of an entry: wrapped in a concern act (C-CDA, CCD) or directly in the entry. */
function entryObservations(entry: XmlNode): XmlNode[] {
  return [...descend(entry, 'act/entryRelationship/observation'), ...descend(entry, 'observation')];
}

/** Nested observations whose templateId is in `templates`, at any depth below `observation`. */
function nestedObservations(observation: XmlNode, templates: Set<string>): XmlNode[] {
  const found: XmlNode[] = [];
  for (const nested of descend(observation, 'entryRelationship/observation')) {
    if (templateIdsOf(nested).some((id) => templates.has(id))) found.push(nested);
    found.push(...nestedObservations(nested, templates));
  }
  return found;
}

/** The status observation's value (`33999-4`), as a FHIR clinical status. */
function statusOf(observation: XmlNode): string | undefined {
  for (const nested of descend(observation, 'entryRelationship/observation')) {
    if (attr(child(nested, 'code'), 'code') === STATUS_CODE)
      return CLINICAL_STATUS[attr(child(nested, 'value'), 'code') ?? ''];
  }
  return undefined;
}

const hasCode = (concept: CodeableConcept | undefined): concept is CodeableConcept =>
  !!concept?.coding?.length || !!concept?.text;

export function toConditions(entry: XmlNode, resolve: NarrativeResolver): Condition[] {
  return entryObservations(entry).flatMap((observation) => {
    const code = toCodeableConcept(child(observation, 'value'), resolve);
    if (!hasCode(code)) return [];
    const [onset, abatement] = effectiveRange(observation);
    const status = statusOf(observation) ?? (abatement ? 'resolved' : 'active');
    const condition: Condition = {
      resourceType: 'Condition',
      identifier: identifiersOf(observation),
      clinicalStatus: { coding: [{ system: conditionClinicalSystem, code: status }] },
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] },
      ],
      code,
      subject: { reference: 'Patient/patient' },
      ...(onset ? { onsetDateTime: onset } : {}),
      ...(abatement ? { abatementDateTime: abatement } : {}),
    };
    return [condition];
  });
}

export function toMedicationStatements(entry: XmlNode, resolve: NarrativeResolver): MedicationStatement[] {
  return descend(entry, 'substanceAdministration').flatMap((administration) => {
    const medication = toCodeableConcept(
      descend(administration, 'consumable/manufacturedProduct/manufacturedMaterial/code')[0],
      resolve,
    );
    if (!hasCode(medication)) return [];
    const [start, end] = effectiveRange(administration);
    const statusCode = attr(child(administration, 'statusCode'), 'code');
    const dose = child(administration, 'doseQuantity');
    const doseValue = Number(attr(dose, 'value'));
    const statement: MedicationStatement = {
      resourceType: 'MedicationStatement',
      identifier: identifiersOf(administration),
      status: statusCode === 'completed' ? 'completed' : statusCode === 'aborted' ? 'stopped' : 'active',
      medicationCodeableConcept: medication,
      subject: { reference: 'Patient/patient' },
      ...(start || end ? { effectivePeriod: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
      ...(Number.isFinite(doseValue) && attr(dose, 'value')
        ? {
            dosage: [
              {
                doseAndRate: [
                  { doseQuantity: { value: doseValue, ...(attr(dose, 'unit') ? { unit: attr(dose, 'unit') } : {}) } },
                ],
              },
            ],
          }
        : {}),
    };
    return [statement];
  });
}

export function toAllergyIntolerances(entry: XmlNode, resolve: NarrativeResolver): AllergyIntolerance[] {
  return entryObservations(entry).flatMap((observation) => {
    const allergen =
      toCodeableConcept(descend(observation, 'participant/participantRole/playingEntity/code')[0], resolve) ??
      toCodeableConcept(child(observation, 'value'), resolve);
    if (!hasCode(allergen)) return [];
    const typeCode = attr(child(observation, 'value'), 'code') ?? '';
    const reactions = nestedObservations(observation, REACTION_TEMPLATES);
    const severities = nestedObservations(observation, SEVERITY_TEMPLATES).map(
      (s) => SEVERITY[attr(child(s, 'value'), 'code') ?? ''],
    );
    const severity = severities.find((s) => s !== undefined);
    const [onset] = effectiveRange(observation);
    const allergy: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance',
      identifier: identifiersOf(observation),
      clinicalStatus: {
        coding: [{ system: allergyClinicalSystem, code: statusOf(observation) === 'inactive' ? 'inactive' : 'active' }],
      },
      type: 'allergy',
      ...(ALLERGY_CATEGORY[typeCode] ? { category: [ALLERGY_CATEGORY[typeCode]] } : {}),
      code: allergen,
      patient: { reference: 'Patient/patient' },
      ...(onset ? { onsetDateTime: onset } : {}),
      reaction: reactions
        .map((reaction) => toCodeableConcept(child(reaction, 'value'), resolve))
        .filter(hasCode)
        .map((manifestation) => ({ manifestation: [manifestation], ...(severity ? { severity } : {}) })),
    };
    if (allergy.reaction!.length === 0) delete allergy.reaction;
    return [allergy];
  });
}
