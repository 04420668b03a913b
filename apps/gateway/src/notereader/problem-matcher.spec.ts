import { matchProblems } from './problem-matcher';

describe('matchProblems', () => {
  it('finds value-set terms as whole words, each code once, in order of appearance', () => {
    expect(
      matchProblems('Cough for a week. Coughing at night. Dyspnea on exertion; shortness of breath too.').map(
        (p) => p.code,
      ),
    ).toEqual(['49727002', '267036007']);
  });

  it('respects negation within a few words in the same sentence', () => {
    expect(matchProblems('Denies chest pain. No fever, no cough.')).toEqual([]);
    expect(matchProblems('Negative for pneumonia on imaging. Ruled out atrial fibrillation.')).toEqual([]);
    expect(matchProblems('No fever. Chest pain radiating to the left arm.').map((p) => p.display)).toEqual([
      'Chest pain',
    ]);
    expect(
      matchProblems('The patient, who was not admitted last year and moved house twice, now has asthma.').map(
        (p) => p.display,
      ),
    ).toEqual(['Asthma']);
  });

  it('keeps the sentence as evidence', () => {
    expect(matchProblems('Plan: treat hypertension with lisinopril.')[0]).toEqual({
      code: '38341003',
      display: 'Hypertensive disorder',
      evidence: 'Plan: treat hypertension with lisinopril.',
    });
  });
});
