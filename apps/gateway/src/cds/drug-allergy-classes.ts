import type { CodeableConcept } from '@medplum/fhirtypes';

/**
 * Drug classes for allergy cross-checks, as data: RxNorm ingredient and product
 * codes and the name fragments that identify members. An allergy to any member
 * conflicts with an order for any member.
 */
export const ALLERGY_CLASSES = [
  {
    name: 'penicillins',
    codes: ['7980', '7984', '723', '733', '8339', '308182', '308191', '308189', '197516'],
    names: ['penicillin', 'amoxicillin', 'ampicillin', 'piperacillin', 'dicloxacillin', 'nafcillin'],
  },
  {
    name: 'sulfonamides',
    codes: ['10831', '198335', '9524'],
    names: ['sulfamethoxazole', 'sulfadiazine', 'sulfasalazine'],
  },
  {
    name: 'cephalosporins',
    codes: ['2231', '20481', '2180'],
    names: ['cephalexin', 'cefazolin', 'ceftriaxone'],
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
      codes.some((code) => drugClass.codes.includes(code)) || drugClass.names.some((name) => text.includes(name)),
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
