import { ALLERGY_CLASSES, sharedAllergyClass } from './drug-allergy-classes';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

describe('drug-allergy classes', () => {
  it.each(ALLERGY_CLASSES.flatMap((drugClass) => drugClass.members.map((member) => ({ ...member, drugClass }))))(
    'RxNorm $code ($display) names an ingredient of its class',
    ({ display, drugClass }) => {
      expect(drugClass.ingredients.some((ingredient) => display.toLowerCase().includes(ingredient))).toBe(true);
    },
  );

  it('lists each code in one class only', () => {
    const codes = ALLERGY_CLASSES.flatMap((drugClass) => drugClass.members.map((member) => member.code));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('never calls clarithromycin (a macrolide, RxNorm 197516) a penicillin', () => {
    const penicillinAllergy = { coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }] };
    const clarithromycin = {
      coding: [{ system: RXNORM, code: '197516', display: 'clarithromycin 250 MG Oral Tablet' }],
      text: 'clarithromycin 250 MG Oral Tablet',
    };
    expect(sharedAllergyClass(penicillinAllergy, clarithromycin)).toBeUndefined();
    const amoxicillin = { coding: [{ system: RXNORM, code: '308182' }] };
    expect(sharedAllergyClass(penicillinAllergy, amoxicillin)).toBe('penicillins');
  });
});
