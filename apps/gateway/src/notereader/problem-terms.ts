/**
 * The value set the sample NoteReader handler matches in note text: lower-case
 * terms (synonyms share a code) and their SNOMED CT concepts.
 */
export const PROBLEM_TERMS: ReadonlyArray<{ terms: string[]; code: string; display: string }> = [
  { terms: ['chest pain'], code: '29857009', display: 'Chest pain' },
  { terms: ['shortness of breath', 'dyspnea', 'dyspnoea'], code: '267036007', display: 'Dyspnea' },
  { terms: ['hypertension', 'high blood pressure'], code: '38341003', display: 'Hypertensive disorder' },
  {
    terms: ['type 2 diabetes', 'diabetes mellitus', 'diabetes'],
    code: '44054006',
    display: 'Diabetes mellitus type 2',
  },
  {
    terms: ['congestive heart failure', 'heart failure', 'chf'],
    code: '42343007',
    display: 'Congestive heart failure',
  },
  { terms: ['atrial fibrillation', 'afib'], code: '49436004', display: 'Atrial fibrillation' },
  { terms: ['pneumonia'], code: '233604007', display: 'Pneumonia' },
  { terms: ['asthma'], code: '195967001', display: 'Asthma' },
  { terms: ['headache'], code: '25064002', display: 'Headache' },
  { terms: ['fever'], code: '386661006', display: 'Fever' },
  { terms: ['cough'], code: '49727002', display: 'Cough' },
  { terms: ['nausea'], code: '422587007', display: 'Nausea' },
  { terms: ['depression', 'depressive disorder'], code: '35489007', display: 'Depressive disorder' },
  { terms: ['chronic kidney disease', 'ckd'], code: '709044004', display: 'Chronic kidney disease' },
  {
    terms: ['copd', 'chronic obstructive pulmonary disease'],
    code: '13645005',
    display: 'Chronic obstructive lung disease',
  },
];

/** Words that negate a finding that follows them in the same sentence (a NegEx-style rule). */
export const NEGATION_CUES = [
  'no',
  'not',
  'denies',
  'denied',
  'without',
  'negative for',
  'ruled out',
  'free of',
  'absence of',
];
/** How many words before a term a negation cue still applies to. */
export const NEGATION_WINDOW = 5;
