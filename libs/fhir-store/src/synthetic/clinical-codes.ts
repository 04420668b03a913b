/** Code tables the synthetic generator draws from (real SNOMED CT, LOINC and RxNorm codes). */
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export const CONDITIONS = [
  { code: '38341003', display: 'Hypertensive disorder' },
  { code: '44054006', display: 'Diabetes mellitus type 2' },
  { code: '195967001', display: 'Asthma' },
  { code: '55822004', display: 'Hyperlipidemia' },
  { code: '49436004', display: 'Atrial fibrillation' },
  { code: '709044004', display: 'Chronic kidney disease' },
  { code: '35489007', display: 'Depressive disorder' },
  { code: '13645005', display: 'Chronic obstructive lung disease' },
];

export const MEDICATIONS = [
  { code: '314076', display: 'lisinopril 10 MG Oral Tablet' },
  { code: '860975', display: 'metformin hydrochloride 500 MG Oral Tablet' },
  { code: '617310', display: 'atorvastatin 20 MG Oral Tablet' },
  { code: '745679', display: 'albuterol 90 MCG/ACTUAT Metered Dose Inhaler' },
  { code: '855332', display: 'warfarin sodium 5 MG Oral Tablet' },
  { code: '312961', display: 'simvastatin 20 MG Oral Tablet' },
];

/** Drugs a patient may be allergic to; the first is the penicillin class the sample CDS services look for. */
export const ALLERGIES = [
  {
    substance: { system: RXNORM, code: '7980', display: 'penicillin G' },
    reaction: { code: '271807003', display: 'Eruption of skin' },
  },
  {
    substance: { system: RXNORM, code: '10831', display: 'sulfamethoxazole' },
    reaction: { code: '247472004', display: 'Wheal' },
  },
  {
    substance: { system: SNOMED, code: '256349002', display: 'Peanut - dietary' },
    reaction: { code: '39579001', display: 'Anaphylaxis' },
  },
];

/** Vital signs: LOINC code, unit, normal range, and how far an abnormal value goes. */
export const VITALS = [
  { code: '8867-4', display: 'Heart rate', unit: '/min', ucum: '/min', normal: [60, 95], abnormal: [110, 140] },
  { code: '9279-1', display: 'Respiratory rate', unit: '/min', ucum: '/min', normal: [12, 18], abnormal: [24, 32] },
  {
    code: '8310-5',
    display: 'Body temperature',
    unit: 'Cel',
    ucum: 'Cel',
    normal: [36.4, 37.2],
    abnormal: [38.3, 39.8],
  },
  {
    code: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    ucum: '%',
    normal: [95, 100],
    abnormal: [84, 91],
  },
] as const;

export const LABS = [
  { code: '2339-0', display: 'Glucose [Mass/volume] in Blood', unit: 'mg/dL', normal: [70, 110], abnormal: [180, 320] },
  {
    code: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    normal: [0.6, 1.2],
    abnormal: [2.1, 4.5],
  },
  {
    code: '2823-3',
    display: 'Potassium [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    normal: [3.5, 5.0],
    abnormal: [5.8, 6.8],
  },
  {
    code: '4548-4',
    display: 'Hemoglobin A1c/Hemoglobin.total in Blood',
    unit: '%',
    normal: [4.5, 5.6],
    abnormal: [7.5, 11],
  },
] as const;

export const FAMILY_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Nguyen',
  'Clark',
  'Lewis',
  'Robinson',
  'Walker',
];
export const GIVEN_NAMES = {
  female: [
    'Mary',
    'Patricia',
    'Jennifer',
    'Linda',
    'Elizabeth',
    'Susan',
    'Jessica',
    'Sarah',
    'Karen',
    'Maria',
    'Aisha',
    'Mei',
  ],
  male: [
    'James',
    'Robert',
    'John',
    'Michael',
    'David',
    'William',
    'Richard',
    'Joseph',
    'Thomas',
    'Carlos',
    'Wei',
    'Omar',
  ],
};
export const CITIES = [
  { city: 'Boston', state: 'MA', postalCode: '02118' },
  { city: 'Springfield', state: 'IL', postalCode: '62701' },
  { city: 'Austin', state: 'TX', postalCode: '78701' },
  { city: 'Portland', state: 'OR', postalCode: '97201' },
];
