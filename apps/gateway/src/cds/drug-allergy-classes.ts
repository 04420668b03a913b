import type { CodeableConcept } from '@medplum/fhirtypes';

export interface DrugClass {
  name: string;
  /** Ingredient names: a drug whose name contains one belongs to the class. */
  ingredients: string[];
  /** RxNorm codes of members, each with its RxNorm name (which contains one of the ingredients). */
  members: Array<{ code: string; display: string }>;
}

/**
 * Drug classes for allergy cross-checks, as data: an allergy to any member
 * conflicts with an order for any member. Add a code only with its RxNorm name.
 */
export const ALLERGY_CLASSES: DrugClass[] = [
  {
    name: 'penicillins',
    ingredients: ['penicillin', 'amoxicillin', 'ampicillin', 'piperacillin', 'dicloxacillin', 'nafcillin'],
    members: [
      { code: '7980', display: 'penicillin G' },
      { code: '7984', display: 'penicillin V' },
      { code: '723', display: 'amoxicillin' },
      { code: '733', display: 'ampicillin' },
      { code: '8339', display: 'piperacillin' },
      { code: '308182', display: 'amoxicillin 250 MG Oral Capsule' },
      { code: '308191', display: 'amoxicillin 500 MG Oral Capsule' },
    ],
  },
  {
    name: 'sulfonamides',
    ingredients: ['sulfamethoxazole', 'sulfadiazine', 'sulfasalazine'],
    members: [
      { code: '10831', display: 'sulfamethoxazole' },
      { code: '9524', display: 'sulfasalazine' },
    ],
  },
  {
    name: 'cephalosporins',
    ingredients: ['cephalexin', 'cefazolin', 'ceftriaxone'],
    members: [
      { code: '2231', display: 'cephalexin' },
      { code: '2180', display: 'cefazolin' },
      { code: '2193', display: 'ceftriaxone' },
    ],
  },
];

function codesAndText(concept: CodeableConcept | undefined): { codes: string[]; text: string } {
  const codes = (concept?.coding ?? []).map((coding) => coding.code).filter((code): code is string => !!code);
  const text = [concept?.text, ...(concept?.coding ?? []).map((coding) => coding.display)]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return { codes, text };
}

function classesOf(concept: CodeableConcept | undefined): string[] {
  const { codes, text } = codesAndText(concept);
  return ALLERGY_CLASSES.filter(
    (drugClass) =>
      drugClass.members.some((member) => codes.includes(member.code)) ||
      drugClass.ingredients.some((ingredient) => text.includes(ingredient)),
  ).map((drugClass) => drugClass.name);
}

/** The class an allergy and a drug share (or the same code), if any. */
export function sharedAllergyClass(
  allergy: CodeableConcept | undefined,
  drug: CodeableConcept | undefined,
): string | undefined {
  const allergyCodes = codesAndText(allergy).codes;
  if (codesAndText(drug).codes.some((code) => allergyCodes.includes(code))) return 'the same substance';
  const drugClasses = classesOf(drug);
  return classesOf(allergy).find((name) => drugClasses.includes(name));
}
