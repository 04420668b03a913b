/**
 * The fixed data set the conformance rows are answered over (by hand, see rows.ts).
 * Every resource has a fixed id so that the expected answers can name them; the
 * comments give the facts the rows rely on (instants in UTC where an offset is used).
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';
const MRN = 'urn:test:mrn';
const TAGS = 'urn:test:tags';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
/** An identifier type (R4 Identifier.type, v2 table 0203: MR medical record number, DL driver's license). */
const identifierType = (code: 'MR' | 'DL') => ({ coding: [{ system: V2_0203, code }] });

const clinical = (system: string, code: string) => ({ coding: [{ system, code }] });
const loinc = (code: string, display: string) => ({ coding: [{ system: LOINC, code, display }] });
const quantity = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });

const patients: Resource[] = [
  {
    // Smith, John Paul; the only patient with a profile, a narrative, a phone and an email. MRN typed MR.
    resourceType: 'Patient',
    id: 'p1',
    meta: { tag: [{ system: TAGS, code: 'vip' }], profile: ['http://example.org/StructureDefinition/test-patient'] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">John Paul Smith</div>' },
    identifier: [{ type: identifierType('MR'), system: MRN, value: 'M001' }],
    active: true,
    name: [{ use: 'official', family: 'Smith', given: ['John', 'Paul'] }],
    telecom: [
      { system: 'phone', value: '555-0100' },
      { system: 'email', value: 'john@example.org' },
    ],
    gender: 'male',
    birthDate: '1970-01-01',
    address: [{ line: ['1 Elm St'], city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' }],
    generalPractitioner: [{ reference: 'Practitioner/pr1' }],
    managingOrganization: { reference: 'Organization/org1' },
  },
  {
    // O'Brien-Smith: "smi" starts a word inside the family name, not the name itself. Month-precision birth date.
    // MRN typed MR, and a driver's license D-77 (typed DL) in another identifier.
    resourceType: 'Patient',
    id: 'p2',
    identifier: [
      { type: identifierType('MR'), system: MRN, value: 'M002' },
      { type: identifierType('DL'), system: 'urn:test:dl', value: 'D-77' },
    ],
    active: true,
    name: [{ family: "O'Brien-Smith", given: ['Mary'] }],
    gender: 'female',
    birthDate: '1985-06',
    address: [{ city: 'Springfield', state: 'MA' }],
    generalPractitioner: [{ reference: 'Practitioner/pr2' }],
    managingOrganization: { reference: 'Organization/org1' },
  },
  {
    // Lee, Zoë (accent); year-precision birth date; restricted confidentiality.
    resourceType: 'Patient',
    id: 'p3',
    meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
    identifier: [{ system: MRN, value: 'M003' }],
    active: false,
    name: [{ family: 'Lee', given: ['Zoë'] }],
    gender: 'female',
    birthDate: '1990',
    address: [{ city: 'Portland' }],
  },
  {
    // lee (lower case), Ann Marie; same identifier value as p3 in another system; died 2020-03-02T04:30Z.
    resourceType: 'Patient',
    id: 'p4',
    identifier: [{ system: 'urn:test:other', value: 'M003' }],
    name: [{ family: 'lee', given: ['Ann', 'Marie'] }],
    gender: 'other',
    birthDate: '1990-12-31',
    deceasedDateTime: '2020-03-01T23:30:00-05:00',
  },
  {
    // García Márquez, José: two-word accented family name; two tags; a source.
    resourceType: 'Patient',
    id: 'p5',
    meta: {
      tag: [
        { system: TAGS, code: 'vip' },
        { system: TAGS, code: 'research' },
      ],
      source: 'http://example.org/source/import',
    },
    identifier: [{ system: MRN, value: 'M005' }],
    name: [{ family: 'García Márquez', given: ['José'] }],
    gender: 'male',
    birthDate: '1955-03-15',
    address: [{ city: 'São Paulo', country: 'BR' }],
  },
  {
    // Van der Berg: three-word family name; an Organization as general practitioner; links to p1.
    resourceType: 'Patient',
    id: 'p6',
    identifier: [{ system: MRN, value: 'M006' }],
    name: [{ family: 'Van der Berg', given: ['Pieter'] }],
    gender: 'male',
    birthDate: '2000-02-29',
    generalPractitioner: [{ reference: 'Organization/org1' }],
    link: [{ other: { reference: 'Patient/p1' }, type: 'seealso' }],
  },
  // Nguyen: no gender, no birth date, no identifier.
  { resourceType: 'Patient', id: 'p7', name: [{ family: 'Nguyen', given: ['Thi'] }] },
  {
    // Smithson: "smith" starts the name. MRN without a type; a driver's license with the same value M008 (typed DL).
    resourceType: 'Patient',
    id: 'p8',
    identifier: [
      { system: MRN, value: 'M008' },
      { type: identifierType('DL'), system: 'urn:test:dl', value: 'M008' },
    ],
    name: [{ family: 'Smithson', given: ['Ellen'] }],
    gender: 'female',
    birthDate: '1970-01-02',
  },
  // No name at all; an identifier without a system.
  { resourceType: 'Patient', id: 'p9', identifier: [{ value: 'X-9' }], gender: 'unknown' },
];

const others: Resource[] = [
  {
    resourceType: 'Organization',
    id: 'org1',
    identifier: [{ system: 'urn:test:org', value: 'ORG-1' }],
    name: 'Good Health Clinic',
  },
  { resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Baker', given: ['Sam'] }] },
  { resourceType: 'Practitioner', id: 'pr2', name: [{ family: 'Zhang', given: ['Li'] }] },
  {
    resourceType: 'Medication',
    id: 'med1',
    code: { coding: [{ system: RXNORM, code: '617310', display: 'atorvastatin 20 MG Oral Tablet' }] },
  },
];

const observations: Resource[] = [
  {
    // Heart rate 78.6 /min, 2025-12-23T10:00Z, Patient/p1 (relative), encounter e1, performer pr1.
    resourceType: 'Observation',
    id: 'o01',
    status: 'final',
    category: [clinical('http://terminology.hl7.org/CodeSystem/observation-category', 'vital-signs')],
    code: loinc('8867-4', 'Heart rate'),
    subject: { reference: 'Patient/p1' },
    encounter: { reference: 'Encounter/e1' },
    performer: [{ reference: 'Practitioner/pr1' }],
    effectiveDateTime: '2025-12-23T10:00:00Z',
    valueQuantity: quantity(78.6, '/min'),
  },
  {
    // Heart rate 100 /min at 2025-12-23T23:30-05:00 = 2025-12-24T04:30Z (a day later in UTC).
    resourceType: 'Observation',
    id: 'o02',
    status: 'final',
    category: [clinical('http://terminology.hl7.org/CodeSystem/observation-category', 'vital-signs')],
    code: loinc('8867-4', 'Heart rate'),
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2025-12-23T23:30:00-05:00',
    valueQuantity: quantity(100, '/min'),
  },
  {
    // Heart rate 9.5 /min (sorts before 100 as a number, after it as text), day precision 2025-12-22.
    resourceType: 'Observation',
    id: 'o03',
    status: 'final',
    code: loinc('8867-4', 'Heart rate'),
    subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2025-12-22',
    valueQuantity: quantity(9.5, '/min'),
  },
  {
    // Glucose 100 mg/dL, month precision 2025-12.
    resourceType: 'Observation',
    id: 'o04',
    status: 'final',
    category: [clinical('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory')],
    code: loinc('2339-0', 'Glucose [Mass/volume] in Blood'),
    subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2025-12',
    valueQuantity: quantity(100, 'mg/dL'),
  },
  {
    // Glucose 5.5 mmol/L at 2025-11-30T12:00+14:00 = 2025-11-29T22:00Z.
    resourceType: 'Observation',
    id: 'o05',
    status: 'final',
    category: [clinical('http://terminology.hl7.org/CodeSystem/observation-category', 'laboratory')],
    code: loinc('2339-0', 'Glucose [Mass/volume] in Blood'),
    subject: { reference: 'Patient/p3' },
    effectiveDateTime: '2025-11-30T12:00:00+14:00',
    valueQuantity: quantity(5.5, 'mmol/L'),
  },
  {
    // Body weight 70 kg over a period 2025-01-01T08:00Z..09:00Z.
    resourceType: 'Observation',
    id: 'o06',
    status: 'final',
    code: loinc('29463-7', 'Body weight'),
    subject: { reference: 'Patient/p3' },
    effectivePeriod: { start: '2025-01-01T08:00:00Z', end: '2025-01-01T09:00:00Z' },
    valueQuantity: quantity(70, 'kg'),
  },
  {
    // Body weight 70000 g (the same mass as o06 in another unit), 2024-06-15T12:00Z.
    resourceType: 'Observation',
    id: 'o07',
    status: 'final',
    code: loinc('29463-7', 'Body weight'),
    subject: { reference: 'Patient/p4' },
    effectiveDateTime: '2024-06-15T12:00:00Z',
    valueQuantity: quantity(70000, 'g'),
  },
  {
    // Blood pressure 140/90 at 2025-12-23T00:00+01:00 = 2025-12-22T23:00Z; components only, no value.
    resourceType: 'Observation',
    id: 'o08',
    status: 'final',
    code: loinc('85354-9', 'Blood pressure panel'),
    subject: { reference: 'Patient/p5' },
    effectiveDateTime: '2025-12-23T00:00:00+01:00',
    component: [
      { code: loinc('8480-6', 'Systolic blood pressure'), valueQuantity: quantity(140, 'mm[Hg]') },
      { code: loinc('8462-4', 'Diastolic blood pressure'), valueQuantity: quantity(90, 'mm[Hg]') },
    ],
  },
  {
    // Blood pressure 120/80, day precision 2025-12-24.
    resourceType: 'Observation',
    id: 'o09',
    status: 'final',
    code: loinc('85354-9', 'Blood pressure panel'),
    subject: { reference: 'Patient/p5' },
    effectiveDateTime: '2025-12-24',
    component: [
      { code: loinc('8480-6', 'Systolic blood pressure'), valueQuantity: quantity(120, 'mm[Hg]') },
      { code: loinc('8462-4', 'Diastolic blood pressure'), valueQuantity: quantity(80, 'mm[Hg]') },
    ],
  },
  {
    // Smoking status as a CodeableConcept value with text "Never smoker", 2025-12-23T12:00Z.
    resourceType: 'Observation',
    id: 'o10',
    status: 'final',
    code: loinc('72166-2', 'Tobacco smoking status'),
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2025-12-23T12:00:00Z',
    valueCodeableConcept: {
      coding: [{ system: SNOMED, code: '266919005', display: 'Never smoked tobacco' }],
      text: 'Never smoker',
    },
  },
  {
    // A string value; preliminary; 2023-01-01.
    resourceType: 'Observation',
    id: 'o11',
    status: 'preliminary',
    code: loinc('5804-0', 'Protein [Mass/volume] in Urine by Test strip'),
    subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2023-01-01',
    valueString: 'positive for trace protein',
  },
  {
    // Subject as an absolute reference to another server.
    resourceType: 'Observation',
    id: 'o12',
    status: 'final',
    code: loinc('8867-4', 'Heart rate'),
    subject: { reference: 'http://other.example.org/fhir/Patient/x1' },
    effectiveDateTime: '2022-05-05T10:00:00Z',
    valueQuantity: quantity(60, '/min'),
  },
  {
    // Subject by identifier only (a logical reference to p6's MRN); amended.
    resourceType: 'Observation',
    id: 'o13',
    status: 'amended',
    code: loinc('8867-4', 'Heart rate'),
    subject: { identifier: { system: MRN, value: 'M006' } },
    effectiveDateTime: '2022-05-05T11:00:00Z',
    valueQuantity: quantity(72, '/min'),
  },
  {
    // Subject with an explicit type; glucose 180 mg/dL on the last second of 2025 (UTC).
    resourceType: 'Observation',
    id: 'o14',
    status: 'final',
    code: loinc('2339-0', 'Glucose [Mass/volume] in Blood'),
    subject: { reference: 'Patient/p6', type: 'Patient' },
    effectiveDateTime: '2025-12-31T23:59:59Z',
    valueQuantity: quantity(180, 'mg/dL'),
  },
  {
    // Cancelled heart rate: no value, no effective time.
    resourceType: 'Observation',
    id: 'o15',
    status: 'cancelled',
    code: loinc('8867-4', 'Heart rate'),
    subject: { reference: 'Patient/p7' },
    dataAbsentReason: clinical('http://terminology.hl7.org/CodeSystem/data-absent-reason', 'not-performed'),
  },
];

const conditions: Resource[] = [
  {
    // Hypertension for p1, text "High blood pressure", onset 2010-05-01, found at encounter e1.
    // Narrative "Hypertension, poorly controlled; see notes" (the word "hypertension" is in no other element).
    resourceType: 'Condition',
    id: 'c1',
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Hypertension, <b>poorly controlled</b>; see <a href="http://example.org/notes">notes</a></p></div>',
    },
    clinicalStatus: clinical(CONDITION_CLINICAL, 'active'),
    code: {
      coding: [{ system: SNOMED, code: '38341003', display: 'Hypertensive disorder' }],
      text: 'High blood pressure',
    },
    subject: { reference: 'Patient/p1' },
    encounter: { reference: 'Encounter/e1' },
    onsetDateTime: '2010-05-01',
    recordedDate: '2010-05-02',
  },
  {
    // Diabetes for p1, onset over the period 2015-01-01..2016-01-01, abated 2016-01-01. Narrative "Diabetes, diet controlled".
    resourceType: 'Condition',
    id: 'c2',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Diabetes, diet controlled</div>' },
    clinicalStatus: clinical(CONDITION_CLINICAL, 'resolved'),
    code: {
      coding: [{ system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' }],
      text: 'Type 2 diabetes',
    },
    subject: { reference: 'Patient/p1' },
    onsetPeriod: { start: '2015-01-01', end: '2016-01-01' },
    abatementDateTime: '2016-01-01',
  },
  {
    // Asthma for p2, onset as a string.
    resourceType: 'Condition',
    id: 'c3',
    clinicalStatus: clinical(CONDITION_CLINICAL, 'active'),
    code: { coding: [{ system: SNOMED, code: '195967001', display: 'Asthma' }], text: 'Asthma' },
    subject: { reference: 'Patient/p2' },
    onsetString: 'childhood',
  },
  {
    // Hypertension for p5, coded in SNOMED CT and ICD-10-CM, text "Essential hypertension", onset at age 50.
    resourceType: 'Condition',
    id: 'c4',
    clinicalStatus: clinical(CONDITION_CLINICAL, 'active'),
    code: {
      coding: [
        { system: SNOMED, code: '38341003', display: 'Hypertensive disorder' },
        { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10', display: 'Essential (primary) hypertension' },
      ],
      text: 'Essential hypertension',
    },
    subject: { reference: 'Patient/p5' },
    onsetAge: { value: 50, unit: 'years', system: UCUM, code: 'a' },
  },
  {
    // Unconfirmed diabetes for p3.
    resourceType: 'Condition',
    id: 'c5',
    clinicalStatus: clinical(CONDITION_CLINICAL, 'active'),
    verificationStatus: clinical('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'unconfirmed'),
    code: { coding: [{ system: SNOMED, code: '73211009', display: 'Diabetes mellitus' }], text: 'Diabetes' },
    subject: { reference: 'Patient/p3' },
  },
];

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const encounters: Resource[] = [
  {
    // p1, ambulatory, 2025-12-23T09:00Z..11:00Z, 120 min, with pr1, provided by org1.
    resourceType: 'Encounter',
    id: 'e1',
    status: 'finished',
    class: { system: ACT_CODE, code: 'AMB' },
    subject: { reference: 'Patient/p1' },
    participant: [{ individual: { reference: 'Practitioner/pr1' } }],
    period: { start: '2025-12-23T09:00:00Z', end: '2025-12-23T11:00:00Z' },
    length: { value: 120, unit: 'min', system: UCUM, code: 'min' },
    serviceProvider: { reference: 'Organization/org1' },
  },
  {
    // p2, inpatient, started 2025-12-20T22:00-05:00 = 2025-12-21T03:00Z, still open; length 2 h in a non-UCUM system.
    resourceType: 'Encounter',
    id: 'e2',
    status: 'in-progress',
    length: { value: 2, unit: 'hours', system: 'urn:test:units', code: 'h' },
    class: { system: ACT_CODE, code: 'IMP' },
    subject: { reference: 'Patient/p2' },
    period: { start: '2025-12-20T22:00:00-05:00' },
  },
  {
    // p5, emergency, 2024-02-28..2024-03-01 (day precision, across the leap day).
    resourceType: 'Encounter',
    id: 'e3',
    status: 'finished',
    class: { system: ACT_CODE, code: 'EMER' },
    subject: { reference: 'Patient/p5' },
    period: { start: '2024-02-28', end: '2024-03-01' },
  },
  {
    // p1, planned follow-up, part of e1, no period.
    resourceType: 'Encounter',
    id: 'e4',
    status: 'planned',
    class: { system: ACT_CODE, code: 'AMB' },
    subject: { reference: 'Patient/p1' },
    partOf: { reference: 'Encounter/e1' },
  },
  {
    // p1, cancelled home visit, part of e4 (so e5 -> e4 -> e1), no period.
    resourceType: 'Encounter',
    id: 'e5',
    status: 'cancelled',
    class: { system: ACT_CODE, code: 'HH' },
    subject: { reference: 'Patient/p1' },
    partOf: { reference: 'Encounter/e4' },
  },
];

const medicationRequests: Resource[] = [
  {
    // p1, lisinopril, by pr1, at e1.
    resourceType: 'MedicationRequest',
    id: 'm1',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: {
      coding: [{ system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' }],
    },
    subject: { reference: 'Patient/p1' },
    encounter: { reference: 'Encounter/e1' },
    requester: { reference: 'Practitioner/pr1' },
    authoredOn: '2025-12-23',
  },
  {
    // p2, a Medication reference, by pr2, stopped.
    resourceType: 'MedicationRequest',
    id: 'm2',
    status: 'stopped',
    intent: 'order',
    medicationReference: { reference: 'Medication/med1' },
    subject: { reference: 'Patient/p2' },
    requester: { reference: 'Practitioner/pr2' },
    authoredOn: '2025-06-01T08:00:00+02:00',
  },
  {
    // p5, metformin, by pr1, a plan, authored 2024-12-31T23:00-02:00 = 2025-01-01T01:00Z.
    resourceType: 'MedicationRequest',
    id: 'm3',
    status: 'active',
    intent: 'plan',
    medicationCodeableConcept: {
      coding: [{ system: RXNORM, code: '860975', display: 'metformin hydrochloride 500 MG Oral Tablet' }],
    },
    subject: { reference: 'Patient/p5' },
    requester: { reference: 'Practitioner/pr1' },
    authoredOn: '2024-12-31T23:00:00-02:00',
  },
];

const allergies: Resource[] = [
  {
    resourceType: 'AllergyIntolerance',
    id: 'a1',
    clinicalStatus: clinical(ALLERGY_CLINICAL, 'active'),
    type: 'allergy',
    category: ['medication'],
    criticality: 'high',
    code: { coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }] },
    patient: { reference: 'Patient/p1' },
    recorder: { reference: 'Practitioner/pr1' },
  },
  {
    resourceType: 'AllergyIntolerance',
    id: 'a2',
    clinicalStatus: clinical(ALLERGY_CLINICAL, 'active'),
    category: ['food'],
    criticality: 'low',
    code: { coding: [{ system: SNOMED, code: '256349002', display: 'Peanut - dietary' }] },
    patient: { reference: 'Patient/p5' },
  },
  {
    // Text only, no coding.
    resourceType: 'AllergyIntolerance',
    id: 'a3',
    clinicalStatus: clinical(ALLERGY_CLINICAL, 'inactive'),
    code: { text: 'Cat dander' },
    patient: { reference: 'Patient/p3' },
  },
];

const riskAssessments: Resource[] = [
  {
    resourceType: 'RiskAssessment',
    id: 'r1',
    status: 'final',
    subject: { reference: 'Patient/p1' },
    occurrenceDateTime: '2025-12-01',
    prediction: [{ probabilityDecimal: 0.25 }],
  },
  {
    resourceType: 'RiskAssessment',
    id: 'r2',
    status: 'final',
    subject: { reference: 'Patient/p2' },
    prediction: [{ probabilityDecimal: 0.8 }],
  },
  {
    resourceType: 'RiskAssessment',
    id: 'r3',
    status: 'final',
    subject: { reference: 'Patient/p5' },
    prediction: [{ probabilityDecimal: 0.05 }],
  },
];

/** Stock in containers (`Substance.instance.quantity`, the `quantity` parameter): several per substance, in mixed units. */
const substances: Resource[] = [
  // 500 mg and 2 g.
  {
    resourceType: 'Substance',
    id: 's1',
    code: { text: 'Paracetamol' },
    instance: [{ quantity: quantity(500, 'mg') }, { quantity: quantity(2, 'g') }],
  },
  { resourceType: 'Substance', id: 's2', code: { text: 'Ibuprofen' }, instance: [{ quantity: quantity(1.5, 'g') }] },
  // 0.8 g, and 3 mmol (an amount of substance: a number of particles, dimensionless in UCUM, not a mass).
  {
    resourceType: 'Substance',
    id: 's3',
    code: { text: 'Sodium chloride' },
    instance: [{ quantity: quantity(0.8, 'g') }, { quantity: quantity(3, 'mmol') }],
  },
  // International units: UCUM, but no base units.
  { resourceType: 'Substance', id: 's4', code: { text: 'Insulin' }, instance: [{ quantity: quantity(10, '[IU]') }] },
  // A unit without a system.
  {
    resourceType: 'Substance',
    id: 's5',
    code: { text: 'Aspirin' },
    instance: [{ quantity: { value: 25, unit: 'tablets' } }],
  },
  // An instance without a quantity.
  { resourceType: 'Substance', id: 's6', code: { text: 'Saline' }, instance: [{ expiry: '2026-01-01' }] },
  // 2000 mg: 2 g, as much as s1's larger instance.
  {
    resourceType: 'Substance',
    id: 's7',
    code: { text: 'Amoxicillin' },
    instance: [{ quantity: quantity(2000, 'mg') }],
  },
];

const QUESTIONNAIRES = 'http://example.org/fhir/Questionnaire';
const questionnaires: Resource[] = [
  {
    resourceType: 'Questionnaire',
    id: 'q1',
    url: `${QUESTIONNAIRES}/phq-9`,
    version: '1.0',
    name: 'PHQ9',
    title: 'PHQ-9 Depression screen',
    status: 'active',
  },
  {
    resourceType: 'Questionnaire',
    id: 'q2',
    url: `${QUESTIONNAIRES}/gad-7`,
    version: '2.1',
    title: 'GAD-7 Anxiety screen',
    status: 'draft',
  },
  {
    resourceType: 'Questionnaire',
    id: 'q3',
    url: `${QUESTIONNAIRES}/phq-9/short`,
    title: 'PHQ-2 short form',
    status: 'active',
  },
  {
    // Canonical reference with a version.
    resourceType: 'QuestionnaireResponse',
    id: 'qr1',
    questionnaire: `${QUESTIONNAIRES}/phq-9|1.0`,
    status: 'completed',
    subject: { reference: 'Patient/p1' },
    authored: '2025-12-23T10:30:00Z',
  },
  {
    // Canonical reference without a version.
    resourceType: 'QuestionnaireResponse',
    id: 'qr2',
    questionnaire: `${QUESTIONNAIRES}/gad-7`,
    status: 'in-progress',
    subject: { reference: 'Patient/p2' },
  },
];

// Lists for `_list`: l1 names two patients, one observation and a patient that does not exist;
// l2 one patient; l3 none. None has a subject, so none is in a patient's compartment.
const lists: Resource[] = [
  {
    resourceType: 'List',
    id: 'l1',
    status: 'current',
    mode: 'working',
    entry: [
      { item: { reference: 'Patient/p3' } },
      { item: { reference: 'Observation/o02' } },
      { item: { reference: 'Patient/p5' } },
      { item: { reference: 'Patient/p404' } },
    ],
  },
  {
    resourceType: 'List',
    id: 'l2',
    status: 'current',
    mode: 'working',
    entry: [{ item: { reference: 'Patient/p5' } }],
  },
  { resourceType: 'List', id: 'l3', status: 'current', mode: 'working' },
];

/**
 * Code systems kept in the store, whose hierarchies token :above/:below use:
 * - a SNOMED CT fragment (nested concepts): 64572001 Disease > 73211009 Diabetes mellitus > 44054006 Type 2;
 *   64572001 > 38341003 Hypertensive disorder; 64572001 > 195967001 Asthma;
 * - condition-clinical with `parent` properties: active > recurrence, relapse; inactive > remission, resolved;
 * - urn:test:big: a root with 1,000 children (more than the 1,000 codes :below expands: too costly).
 */
const codeSystems: Resource[] = [
  {
    resourceType: 'CodeSystem',
    id: 'cs-snomed',
    url: SNOMED,
    status: 'active',
    // Complete for this data set: only a complete CodeSystem defines a hierarchy.
    content: 'complete',
    concept: [
      {
        code: '64572001',
        display: 'Disease',
        concept: [
          { code: '73211009', display: 'Diabetes mellitus', concept: [{ code: '44054006', display: 'Type 2' }] },
          { code: '38341003', display: 'Hypertensive disorder' },
          { code: '195967001', display: 'Asthma' },
        ],
      },
    ],
  },
  {
    resourceType: 'CodeSystem',
    id: 'cs-condition-clinical',
    url: CONDITION_CLINICAL,
    status: 'active',
    content: 'complete',
    property: [{ code: 'parent', type: 'code' }],
    concept: [
      { code: 'active' },
      { code: 'recurrence', property: [{ code: 'parent', valueCode: 'active' }] },
      { code: 'relapse', property: [{ code: 'parent', valueCode: 'active' }] },
      { code: 'inactive' },
      { code: 'remission', property: [{ code: 'parent', valueCode: 'inactive' }] },
      { code: 'resolved', property: [{ code: 'parent', valueCode: 'inactive' }] },
    ],
  },
  {
    resourceType: 'CodeSystem',
    id: 'cs-big',
    url: 'urn:test:big',
    status: 'active',
    content: 'complete',
    concept: [{ code: 'root', concept: Array.from({ length: 1000 }, (_, i) => ({ code: `c${i}` })) }],
  },
];

export const CONFORMANCE_RESOURCES: Resource[] = [
  ...others,
  ...patients,
  ...encounters,
  ...observations,
  ...conditions,
  ...medicationRequests,
  ...allergies,
  ...riskAssessments,
  ...questionnaires,
  ...lists,
  ...codeSystems,
  ...substances,
];

/** One transaction that creates the data set with its fixed ids (update-as-create, R4 3.1.0.4). */
export function conformanceTransaction(): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: CONFORMANCE_RESOURCES.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    })),
  };
}
