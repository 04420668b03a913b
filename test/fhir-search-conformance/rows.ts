/**
 * The conformance table: each row is a search over the data set of dataset.ts and
 * its answer, written out by hand from the FHIR R4 search rules
 * (https://hl7.org/fhir/R4/search.html, §-numbers below refer to it) and the
 * resources' search parameter definitions. Nothing here is computed.
 *
 * Conventions the answers assume:
 * - a date or dateTime without a timezone, in the data or in a search value, is
 *   read in UTC (the spec's "server's local time zone", which is UTC where these run);
 * - a date search compares ranges (§3.1.1.4.2): a value covers its whole precision
 *   (1990 = 1990-01-01T00:00:00 .. 1990-12-31T23:59:59.999), a period its start..end,
 *   an open end is unbounded;
 * - a number or quantity without a prefix matches the range of its significant
 *   figures (100 = [99.5, 100.5)); lt/le/gt/ge compare with the exact value (§3.1.1.4.1).
 */

export interface ConformanceRow {
  /** The search, relative to the FHIR base. */
  query: string;
  /** The ids of the `search.mode = match` entries (a set, or a sequence when `ordered`). */
  ids?: string[];
  ordered?: boolean;
  /** `Type/id` of the `search.mode = include` entries. */
  include?: string[];
  /** Expected `Bundle.total`. */
  total?: number;
  /** An error status instead of a searchset (the body must be an OperationOutcome). */
  status?: number;
  /** `Prefer: handling=...` sent with the search. */
  handling?: 'lenient' | 'strict';
  /** A lenient search reports what it ignored in an OperationOutcome entry (`search.mode = outcome`). */
  outcome?: boolean;
  /** The parameter the OperationOutcome (of the error, or the lenient outcome entry) must name. */
  names?: string;
  /** A submitted value the OperationOutcome must not echo. */
  hides?: string;
  /** `Type/id` of every entry, whatever its search mode (operations such as $everything). */
  entries?: string[];
  /** Paging: the ids of every page, following `next` links from the first. */
  pages?: string[][];
  /** Elements every match must carry / must not carry, and whether it is tagged SUBSETTED. */
  elements?: { present: string[]; absent: string[]; subsetted: boolean };
  /** The rule checked. */
  spec: string;
}

/** A row's unique name: the query, and the Prefer handling when one is sent. */
export const rowName = (row: ConformanceRow) => (row.handling ? `[${row.handling}] ${row.query}` : row.query);

const ALL_CONDITIONS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const HEART_RATES = ['o01', 'o02', 'o03', 'o12', 'o13', 'o15'];
const QUESTIONNAIRE = 'http://example.org/fhir/Questionnaire';

const stringRows: ConformanceRow[] = [
  { query: 'Patient?family=smith', ids: ['p1', 'p8'], spec: '§string: equals or starts with, case-insensitive' },
  {
    query: 'Patient?family=SMI',
    ids: ['p1', 'p8'],
    spec: "§string: starts with the value, not a word inside it (O'Brien-Smith)",
  },
  { query: 'Patient?family:contains=smi', ids: ['p1', 'p2', 'p8'], spec: '§string :contains: anywhere in the value' },
  { query: 'Patient?family:exact=Smith', ids: ['p1'], spec: '§string :exact: whole value, exact' },
  { query: 'Patient?family:exact=smith', ids: [], spec: '§string :exact is case-sensitive' },
  { query: 'Patient?family:exact=Lee', ids: ['p3'], spec: '§string :exact is case-sensitive (Lee, not lee)' },
  { query: 'Patient?family:exact=lee', ids: ['p4'], spec: '§string :exact is case-sensitive (lee, not Lee)' },
  { query: 'Patient?family=lee', ids: ['p3', 'p4'], spec: '§string: case-insensitive by default' },
  { query: 'Patient?given=zoe', ids: ['p3'], spec: '§string: accents ignored (Zoë)' },
  { query: 'Patient?given=ZO%C3%8B', ids: ['p3'], spec: '§string: case and accents folded on both sides' },
  { query: 'Patient?given:exact=Zo%C3%AB', ids: ['p3'], spec: '§string :exact matches the exact characters' },
  { query: 'Patient?given:exact=Zoe', ids: [], spec: '§string :exact does not fold accents' },
  { query: 'Patient?family=garcia%20marquez', ids: ['p5'], spec: '§string: multi-word value, accents folded' },
  { query: 'Patient?family=garc%C3%ADa', ids: ['p5'], spec: '§string: accented search value matches' },
  { query: 'Patient?family=marquez', ids: [], spec: '§string: the start of the whole value, not of its second word' },
  { query: 'Patient?family:contains=marquez', ids: ['p5'], spec: '§string :contains finds the second word' },
  { query: 'Patient?family=van%20der', ids: ['p6'], spec: '§string: starts with, across spaces' },
  { query: 'Patient?family:exact=Van%20der%20Berg', ids: ['p6'], spec: '§string :exact, multi-word' },
  { query: 'Patient?name=paul', ids: ['p1'], spec: 'Patient-name: any part of HumanName (second given)' },
  { query: 'Patient?name=smith', ids: ['p1', 'p8'], spec: 'Patient-name covers family' },
  { query: 'Patient?name=smith,nguyen', ids: ['p1', 'p7', 'p8'], spec: '§3.1.1.3 comma = OR' },
  { query: 'Patient?name=john&name=smith', ids: ['p1'], spec: '§3.1.1.3 repeated parameter = AND' },
  { query: 'Patient?given=ann&given=marie', ids: ['p4'], spec: '§3.1.1.3 AND over two given names of one patient' },
  { query: 'Patient?name:missing=true', ids: ['p9'], spec: '§:missing=true: no value' },
  {
    query: 'Patient?name:missing=false',
    ids: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'],
    spec: '§:missing=false: has a value',
  },
  { query: 'Patient?address-city=springfield', ids: ['p1', 'p2'], spec: '§string on Address.city' },
  { query: 'Patient?address-city=sao%20paulo', ids: ['p5'], spec: '§string: accents in the data folded (São)' },
  { query: 'Patient?address:contains=paul', ids: ['p5'], spec: '§string :contains over any Address part' },
  { query: 'Patient?address-state=il', ids: ['p1'], spec: '§string case-insensitive (IL)' },
  { query: 'Patient?address-postalcode=627', ids: ['p1'], spec: '§string starts with' },
  { query: 'Patient?address-country=br', ids: ['p5'], spec: '§string on Address.country' },
  { query: 'Observation?value-string=positive', ids: ['o11'], spec: 'Observation-value-string on valueString' },
  { query: 'Observation?value-string:contains=trace', ids: ['o11'], spec: '§string :contains' },
  {
    query: 'Observation?value-string=never',
    ids: ['o10'],
    spec: 'Observation-value-string covers valueCodeableConcept.text',
  },
  { query: 'Condition?onset-info=child', ids: ['c3'], spec: 'Condition-onset-info on onsetString' },
  { query: 'Questionnaire?title=phq', ids: ['q1', 'q3'], spec: '§string starts with (PHQ-9, PHQ-2)' },
  { query: 'Questionnaire?title:exact=PHQ-9%20Depression%20screen', ids: ['q1'], spec: '§string :exact' },
  { query: 'Practitioner?name=baker', ids: ['pr1'], spec: 'Practitioner-name' },
  { query: 'Organization?name=good%20health', ids: ['org1'], spec: '§string multi-word starts with' },
  { query: 'Patient?family:contains=arqu', ids: ['p5'], spec: '§string :contains, accents folded (Márquez)' },
  { query: 'Patient?name:exact=Smith', ids: ['p1'], spec: '§string :exact on a HumanName part' },
  { query: 'AllergyIntolerance?patient.name=garcia', ids: ['a2'], spec: '§chained string, accent folded' },
];

const tokenRows: ConformanceRow[] = [
  { query: 'Patient?gender=male', ids: ['p1', 'p5', 'p6'], spec: '§token code' },
  { query: 'Patient?gender=female,other', ids: ['p2', 'p3', 'p4', 'p8'], spec: '§token, comma = OR' },
  {
    query: 'Patient?gender:not=male',
    ids: ['p2', 'p3', 'p4', 'p7', 'p8', 'p9'],
    spec: '§token :not includes resources without a value',
  },
  { query: 'Patient?gender:missing=true', ids: ['p7'], spec: '§:missing on a token' },
  { query: 'Patient?identifier=urn:test:mrn%7CM003', ids: ['p3'], spec: '§token system|code' },
  { query: 'Patient?identifier=M003', ids: ['p3', 'p4'], spec: '§token code in any system' },
  {
    query: 'Patient?identifier=urn:test:mrn%7C',
    ids: ['p1', 'p2', 'p3', 'p5', 'p6', 'p8'],
    spec: '§token system| : any code in the system',
  },
  { query: 'Patient?identifier=%7CX-9', ids: ['p9'], spec: '§token |code : code with no system' },
  { query: 'Patient?identifier=%7CM003', ids: [], spec: '§token |code does not match a code that has a system' },
  { query: 'Patient?active=true', ids: ['p1', 'p2'], spec: '§token on boolean' },
  { query: 'Patient?active=false', ids: ['p3'], spec: '§token on boolean (absent is not false)' },
  { query: 'Patient?active:missing=true', ids: ['p4', 'p5', 'p6', 'p7', 'p8', 'p9'], spec: '§:missing on a boolean' },
  { query: 'Patient?phone=555-0100', ids: ['p1'], spec: 'Patient-phone: telecom where system=phone' },
  { query: 'Patient?email=john@example.org', ids: ['p1'], spec: 'Patient-email' },
  { query: 'Patient?telecom=phone%7C555-0100', ids: ['p1'], spec: '§token on ContactPoint: system|value' },
  { query: 'Patient?telecom=email%7C555-0100', ids: [], spec: '§token on ContactPoint: the system must match' },
  { query: 'Patient?deceased=true', ids: ['p4'], spec: 'Patient-deceased: deceasedDateTime counts as deceased' },
  {
    query: 'Condition?code=http://snomed.info/sct%7C38341003',
    ids: ['c1', 'c4'],
    spec: '§token on CodeableConcept, any coding',
  },
  { query: 'Condition?code=38341003', ids: ['c1', 'c4'], spec: '§token code without system' },
  {
    query: 'Condition?code=http://hl7.org/fhir/sid/icd-10-cm%7CI10',
    ids: ['c4'],
    spec: '§token: second coding of a concept',
  },
  {
    query: 'Condition?code=http://hl7.org/fhir/sid/icd-10-cm%7C38341003',
    ids: [],
    spec: '§token: system and code must be on the same coding',
  },
  {
    query: 'Condition?code:text=high%20blood',
    ids: ['c1'],
    spec: '§token :text: string search on CodeableConcept.text',
  },
  { query: 'Condition?code:text=essential', ids: ['c4'], spec: '§token :text' },
  { query: 'Condition?code:not=http://snomed.info/sct%7C38341003', ids: ['c2', 'c3', 'c5'], spec: '§token :not' },
  { query: 'Condition?clinical-status=resolved', ids: ['c2'], spec: '§token' },
  {
    query: 'Condition?clinical-status=http://terminology.hl7.org/CodeSystem/condition-clinical%7Cactive',
    ids: ['c1', 'c3', 'c4', 'c5'],
    spec: '§token system|code',
  },
  { query: 'Condition?verification-status:missing=false', ids: ['c5'], spec: '§:missing=false' },
  {
    query: 'Condition?clinical-status:in=http://hl7.org/fhir/ValueSet/condition-clinical',
    ids: ALL_CONDITIONS,
    spec: '§token :in an enumerated value set',
  },
  {
    query: 'Condition?clinical-status:in=http://hl7.org/fhir/ValueSet/allergyintolerance-clinical',
    ids: [],
    spec: '§token :in: the same code in another system is not in the set',
  },
  {
    query: 'Condition?clinical-status:not-in=http://hl7.org/fhir/ValueSet/allergyintolerance-clinical',
    ids: ALL_CONDITIONS,
    spec: '§token :not-in',
  },
  { query: 'AllergyIntolerance?code:text=cat', ids: ['a3'], spec: '§token :text on a concept with text only' },
  { query: 'AllergyIntolerance?criticality=high', ids: ['a1'], spec: '§token on code' },
  { query: 'AllergyIntolerance?clinical-status=inactive', ids: ['a3'], spec: '§token' },
  { query: 'AllergyIntolerance?category=food', ids: ['a2'], spec: '§token on a repeating code' },
  { query: 'Observation?status:not=final', ids: ['o11', 'o13', 'o15'], spec: '§token :not' },
  {
    query: 'Observation?status=final,amended',
    ids: ['o01', 'o02', 'o03', 'o04', 'o05', 'o06', 'o07', 'o08', 'o09', 'o10', 'o12', 'o13', 'o14'],
    spec: '§token OR',
  },
  { query: 'Observation?category=vital-signs', ids: ['o01', 'o02'], spec: '§token' },
  {
    query: 'Observation?category=http://terminology.hl7.org/CodeSystem/observation-category%7Claboratory',
    ids: ['o04', 'o05'],
    spec: '§token system|code',
  },
  { query: 'Observation?code=http://loinc.org%7C8867-4', ids: HEART_RATES, spec: '§token system|code' },
  {
    query: 'Observation?code=http://loinc.org%7C8867-4,http://loinc.org%7C29463-7',
    ids: [...HEART_RATES, 'o06', 'o07'],
    spec: '§token OR of system|code',
  },
  { query: 'Observation?combo-code=8480-6', ids: ['o08', 'o09'], spec: 'Observation-combo-code covers component.code' },
  {
    query: 'Observation?component-code=http://loinc.org%7C8462-4',
    ids: ['o08', 'o09'],
    spec: 'Observation-component-code',
  },
  {
    query: 'Observation?value-concept=http://snomed.info/sct%7C266919005',
    ids: ['o10'],
    spec: 'Observation-value-concept',
  },
  { query: 'Observation?value-concept:text=never', ids: ['o10'], spec: '§token :text on the value concept' },
  { query: 'Observation?data-absent-reason=not-performed', ids: ['o15'], spec: 'Observation-data-absent-reason' },
  {
    query: 'MedicationRequest?code=http://www.nlm.nih.gov/research/umls/rxnorm%7C314076',
    ids: ['m1'],
    spec: 'MedicationRequest-code on medicationCodeableConcept',
  },
  { query: 'MedicationRequest?intent=plan', ids: ['m3'], spec: '§token' },
  { query: 'MedicationRequest?status=active', ids: ['m1', 'm3'], spec: '§token' },
  { query: 'Encounter?class=AMB', ids: ['e1', 'e4'], spec: '§token on Coding' },
  { query: 'Encounter?status:not=finished', ids: ['e2', 'e4', 'e5'], spec: '§token :not' },
  { query: 'Questionnaire?version=1.0', ids: ['q1'], spec: 'Questionnaire-version token' },
  { query: 'Questionnaire?status=active', ids: ['q1', 'q3'], spec: '§token' },
  { query: 'QuestionnaireResponse?status=completed', ids: ['qr1'], spec: '§token' },
];

const resourceParamRows: ConformanceRow[] = [
  { query: 'Patient?_id=p1,p3', ids: ['p1', 'p3'], spec: '§_id, OR' },
  { query: 'Patient?_tag=urn:test:tags%7Cvip', ids: ['p1', 'p5'], spec: '§_tag system|code' },
  { query: 'Patient?_tag=research', ids: ['p5'], spec: '§_tag code only, second tag' },
  {
    query: 'Patient?_tag:not=urn:test:tags%7Cvip',
    ids: ['p2', 'p3', 'p4', 'p6', 'p7', 'p8', 'p9'],
    spec: '§token :not on _tag (untagged included)',
  },
  {
    query: 'Patient?_security=http://terminology.hl7.org/CodeSystem/v3-Confidentiality%7CR',
    ids: ['p3'],
    spec: '§_security',
  },
  {
    query: 'Patient?_profile=http://example.org/StructureDefinition/test-patient',
    ids: ['p1'],
    spec: '§_profile (uri)',
  },
  { query: 'Patient?_source=http://example.org/source/import', ids: ['p5'], spec: '§_source (uri)' },
  {
    query: 'Questionnaire?_lastUpdated=gt2000-01-01',
    ids: ['q1', 'q2', 'q3'],
    spec: '§_lastUpdated, set by the server on write',
  },
  { query: 'Questionnaire?_lastUpdated=lt2000-01-01', ids: [], spec: '§_lastUpdated' },
];

const dateRows: ConformanceRow[] = [
  { query: 'Patient?birthdate=1970-01-01', ids: ['p1'], spec: '§date eq: the search day contains the value' },
  { query: 'Patient?birthdate=1970', ids: ['p1', 'p8'], spec: '§date eq: year precision contains both days' },
  { query: 'Patient?birthdate=1990', ids: ['p3', 'p4'], spec: '§date eq: a year value and a day in that year' },
  { query: 'Patient?birthdate=1990-12', ids: ['p4'], spec: '§date eq: December does not contain the whole year 1990' },
  { query: 'Patient?birthdate=1985-06-15', ids: [], spec: '§date eq: a day does not contain the month value 1985-06' },
  { query: 'Patient?birthdate=1985-06', ids: ['p2'], spec: '§date eq: month precision' },
  {
    query: 'Patient?birthdate=gt1990',
    ids: ['p6'],
    spec: '§date gt: the range above 1990 (1990-12-31 is inside 1990)',
  },
  { query: 'Patient?birthdate=ge1990', ids: ['p3', 'p4', 'p6'], spec: '§date ge' },
  { query: 'Patient?birthdate=lt1970-01-02', ids: ['p1', 'p5'], spec: '§date lt' },
  { query: 'Patient?birthdate=le1970-01-02', ids: ['p1', 'p5', 'p8'], spec: '§date le' },
  { query: 'Patient?birthdate=sa1985', ids: ['p3', 'p4', 'p6'], spec: '§date sa: starts after the end of 1985' },
  { query: 'Patient?birthdate=eb1970-01-02', ids: ['p1', 'p5'], spec: '§date eb: ends before' },
  {
    query: 'Patient?birthdate=ne1990',
    ids: ['p1', 'p2', 'p5', 'p6', 'p8'],
    spec: '§date ne: only resources with a value',
  },
  {
    query: 'Patient?birthdate=gt1985-06-15',
    ids: ['p2', 'p3', 'p4', 'p6'],
    spec: '§date gt: the month 1985-06 extends above the 15th',
  },
  {
    query: 'Patient?birthdate=lt1985-06-15',
    ids: ['p1', 'p2', 'p5', 'p8'],
    spec: '§date lt: the month 1985-06 extends below the 15th',
  },
  {
    query: 'Patient?birthdate=ap1970-01-01',
    ids: ['p1', 'p8'],
    spec: '§date ap: a day apart is approximately equal, 15 years is not',
  },
  {
    query: 'Patient?birthdate=ge1990-06&birthdate=le1990-12-31',
    ids: ['p3', 'p4'],
    spec: '§date: a range by AND of ge and le',
  },
  { query: 'Patient?birthdate=2000-02-29', ids: ['p6'], spec: '§date: leap day' },
  { query: 'Patient?birthdate:missing=true', ids: ['p7', 'p9'], spec: '§:missing on a date' },
  {
    query: 'Patient?death-date=2020-03-02',
    ids: ['p4'],
    spec: '§date: 2020-03-01T23:30-05:00 is on 2020-03-02 in UTC',
  },
  { query: 'Patient?death-date=2020-03-01', ids: [], spec: '§date: the offset is applied, not dropped' },
  {
    query: 'Patient?death-date=2020-03-01T23:30:00-05:00',
    ids: ['p4'],
    spec: '§date: a second-precision search value with an offset',
  },
  {
    query: 'Observation?date=2025-12-23',
    ids: ['o01', 'o10'],
    spec: '§date eq: dateTimes inside the day (not 23:30-05:00)',
  },
  {
    query: 'Observation?date=2025-12-22',
    ids: ['o03', 'o08'],
    spec: '§date eq: 2025-12-23T00:00+01:00 is on the 22nd in UTC',
  },
  {
    query: 'Observation?date=2025-12-24',
    ids: ['o02', 'o09'],
    spec: '§date eq: 2025-12-23T23:30-05:00 is on the 24th in UTC',
  },
  {
    query: 'Observation?date=2025-12',
    ids: ['o01', 'o02', 'o03', 'o04', 'o08', 'o09', 'o10', 'o14'],
    spec: '§date eq: month precision, last second of the month included',
  },
  {
    query: 'Observation?date=ge2025-12-24T00:00:00Z',
    ids: ['o02', 'o04', 'o09', 'o14'],
    spec: '§date ge: overlaps (the month 2025-12 and the day 24th)',
  },
  {
    query: 'Observation?date=lt2025-12-23T00:00:00Z',
    ids: ['o03', 'o04', 'o05', 'o06', 'o07', 'o08', 'o11', 'o12', 'o13'],
    spec: '§date lt: day boundary in UTC',
  },
  { query: 'Observation?date=2025-11-30', ids: [], spec: '§date: 2025-11-30T12:00+14:00 is 2025-11-29 in UTC' },
  { query: 'Observation?date=2025-11-29', ids: ['o05'], spec: '§date: offset +14:00' },
  { query: 'Observation?date=2025-01-01', ids: ['o06'], spec: '§date eq: a Period inside the day' },
  {
    query: 'Observation?date=2025-01-01T08:30:00Z',
    ids: [],
    spec: '§date eq: a second does not contain an hour-long Period',
  },
  {
    query: 'Observation?date=ge2025-01-01T08:30:00Z&date=le2025-01-01T08:30:00Z',
    ids: ['o06'],
    spec: '§date ge/le: overlap with a Period',
  },
  { query: 'Observation?date=2025-12-31T23:59:59Z', ids: ['o14'], spec: '§date eq at second precision' },
  {
    query: 'Observation?date=sa2025-12-23T11:00:00Z',
    ids: ['o02', 'o09', 'o10', 'o14'],
    spec: '§date sa (the month 2025-12 starts before)',
  },
  { query: 'Observation?date=eb2022-06', ids: ['o12', 'o13'], spec: '§date eb' },
  { query: 'Observation?date:missing=true', ids: ['o15'], spec: '§:missing on a date' },
  { query: 'Encounter?date=2025-12-23', ids: ['e1'], spec: '§date eq: the day contains the Period' },
  { query: 'Encounter?date=ge2025-12-22', ids: ['e1', 'e2'], spec: '§date ge: an open-ended Period' },
  {
    query: 'Encounter?date=lt2025-12-21',
    ids: ['e3'],
    spec: '§date lt: 2025-12-20T22:00-05:00 starts on the 21st in UTC',
  },
  { query: 'Encounter?date=2024', ids: ['e3'], spec: '§date eq: year contains the Period' },
  { query: 'Encounter?date=2024-02-29', ids: [], spec: '§date eq: a day does not contain a three-day Period' },
  { query: 'Encounter?date=sa2025-12-22', ids: ['e1'], spec: '§date sa on Periods' },
  { query: 'Encounter?date=eb2025-01-01', ids: ['e3'], spec: '§date eb on Periods (an open end never ends before)' },
  { query: 'Condition?onset-date=2015', ids: [], spec: '§date eq: a Period reaching into 2016 is not inside 2015' },
  { query: 'Condition?onset-date=ge2015-06', ids: ['c2'], spec: '§date ge: overlap with onsetPeriod' },
  { query: 'Condition?onset-date=2010-05-01', ids: ['c1'], spec: '§date on onsetDateTime' },
  { query: 'Condition?abatement-date=2016', ids: ['c2'], spec: 'Condition-abatement-date' },
  {
    query: 'MedicationRequest?authoredon=2025-01-01',
    ids: ['m3'],
    spec: '§date: 2024-12-31T23:00-02:00 is 2025-01-01 in UTC',
  },
  { query: 'MedicationRequest?authoredon=2024-12-31', ids: [], spec: '§date: offsets are applied' },
  { query: 'MedicationRequest?authoredon=2025-06-01', ids: ['m2'], spec: '§date: 08:00+02:00 is 06:00Z' },
  { query: 'RiskAssessment?date=2025-12-01', ids: ['r1'], spec: 'RiskAssessment-date' },
  { query: 'Patient?birthdate=eq1990', ids: ['p3', 'p4'], spec: '§date: explicit eq prefix' },
  { query: 'Encounter?date:missing=true', ids: ['e4', 'e5'], spec: '§:missing on a Period' },
  { query: 'QuestionnaireResponse?authored=2025-12-23', ids: ['qr1'], spec: '§date on an instant-like dateTime' },
];

const numberRows: ConformanceRow[] = [
  { query: 'RiskAssessment?probability=0.25', ids: ['r1'], spec: '§number eq: [0.245, 0.255)' },
  { query: 'RiskAssessment?probability=0.3', ids: ['r1'], spec: '§number eq: 0.3 means [0.25, 0.35), 0.25 included' },
  { query: 'RiskAssessment?probability=0.2', ids: [], spec: '§number eq: 0.2 means [0.15, 0.25), 0.25 excluded' },
  { query: 'RiskAssessment?probability=0.80', ids: ['r2'], spec: '§number: trailing zero is a significant figure' },
  { query: 'RiskAssessment?probability=5e-2', ids: ['r3'], spec: '§number: exponent form' },
  { query: 'RiskAssessment?probability=gt0.25', ids: ['r2'], spec: '§number gt: exact comparison' },
  { query: 'RiskAssessment?probability=ge0.25', ids: ['r1', 'r2'], spec: '§number ge' },
  { query: 'RiskAssessment?probability=lt0.25', ids: ['r3'], spec: '§number lt' },
  { query: 'RiskAssessment?probability=le0.05', ids: ['r3'], spec: '§number le' },
  { query: 'RiskAssessment?probability=ne0.25', ids: ['r2', 'r3'], spec: '§number ne' },
  { query: 'RiskAssessment?probability=sa0.5', ids: ['r2'], spec: '§number sa' },
  { query: 'RiskAssessment?probability=eb0.1', ids: ['r3'], spec: '§number eb' },
  { query: 'RiskAssessment?probability=ap0.8', ids: ['r2'], spec: '§number ap (about 10%)' },
];

const quantityRows: ConformanceRow[] = [
  { query: 'Observation?value-quantity=78.6', ids: ['o01'], spec: '§quantity eq, no unit: [78.55, 78.65)' },
  { query: 'Observation?value-quantity=100', ids: ['o02', 'o04'], spec: '§quantity without unit matches any unit' },
  { query: 'Observation?value-quantity=10', ids: ['o03'], spec: '§quantity eq: 10 means [9.5, 10.5), 9.5 included' },
  { query: 'Observation?value-quantity=9.5', ids: ['o03'], spec: '§quantity eq' },
  { query: 'Observation?value-quantity=gt100', ids: ['o07', 'o14'], spec: '§quantity gt: exact, 100 excluded' },
  { query: 'Observation?value-quantity=ge100', ids: ['o02', 'o04', 'o07', 'o14'], spec: '§quantity ge' },
  { query: 'Observation?value-quantity=lt9.5', ids: ['o05'], spec: '§quantity lt' },
  { query: 'Observation?value-quantity=le9.5', ids: ['o03', 'o05'], spec: '§quantity le' },
  {
    query: 'Observation?value-quantity=ne100',
    ids: ['o01', 'o03', 'o05', 'o06', 'o07', 'o12', 'o13', 'o14'],
    spec: '§quantity ne',
  },
  { query: 'Observation?value-quantity=ap100', ids: ['o02', 'o04'], spec: '§quantity ap' },
  {
    query: 'Observation?value-quantity=100%7Chttp://unitsofmeasure.org%7Cmg/dL',
    ids: ['o04'],
    spec: '§quantity number|system|code',
  },
  {
    query: 'Observation?value-quantity=100%7C%7Cmg/dL',
    ids: ['o04'],
    spec: '§quantity number||code: unit in any system',
  },
  {
    query: 'Observation?value-quantity=100%7Chttp://unitsofmeasure.org%7C/min',
    ids: ['o02'],
    spec: '§quantity: the unit separates equal numbers',
  },
  {
    query: 'Observation?value-quantity=gt50%7Chttp://unitsofmeasure.org%7C/min',
    ids: ['o01', 'o02', 'o12', 'o13'],
    spec: '§quantity prefix with unit',
  },
  {
    query: 'Observation?value-quantity=70000%7Chttp://unitsofmeasure.org%7Cg',
    ids: ['o06', 'o07'],
    spec: '§quantity UCUM: 70000 g, and 70 kg, which is 70000 g',
  },
  {
    query: 'Observation?value-quantity:missing=true',
    ids: ['o08', 'o09', 'o10', 'o11', 'o15'],
    spec: '§:missing on a quantity',
  },
  { query: 'Observation?component-value-quantity=gt130', ids: ['o08'], spec: 'Observation-component-value-quantity' },
  {
    query: 'Observation?combo-value-quantity=80',
    ids: ['o09'],
    spec: 'Observation-combo-value-quantity covers components',
  },
  { query: 'Encounter?length=120', ids: ['e1'], spec: 'Encounter-length quantity' },
  { query: 'Condition?onset-age=gt40', ids: ['c4'], spec: 'Condition-onset-age on onsetAge' },
  { query: 'Observation?value-quantity=eq100', ids: ['o02', 'o04'], spec: '§quantity: explicit eq prefix' },
  { query: 'Observation?value-quantity=sa150', ids: ['o07', 'o14'], spec: '§quantity sa' },
  { query: 'Observation?value-quantity=eb9.5', ids: ['o05'], spec: '§quantity eb: ends before [9.45, 9.55)' },
];

const UCUM = 'http://unitsofmeasure.org';

/**
 * UCUM units compared in canonical form (R4 3.1.1.4.6: a server SHOULD compare
 * UCUM quantities in canonical units): 100 mg/dL = 1 g/L, 180 mg/dL = 1.8 g/L,
 * 70 kg = 70000 g = 0.07 t, 78.6/min = 1.31/s, 60/min = 1/s, 140 mm[Hg] = 18.67 kPa,
 * 90 mm[Hg] = 12.00 kPa, 120 mm[Hg] = 16.00 kPa, 80 mm[Hg] = 10.67 kPa,
 * 120 min = 2 h, 50 a = 600 mo; units of other systems compare exactly.
 */
const ucumRows: ConformanceRow[] = [
  { query: `Observation?value-quantity=gt1%7C${UCUM}%7Cg/L`, ids: ['o14'], spec: 'UCUM: 1.8 g/L > 1, 1 g/L is not' },
  { query: `Observation?value-quantity=1%7C${UCUM}%7Cg/L`, ids: ['o04'], spec: 'UCUM eq: [0.5, 1.5) g/L' },
  { query: `Observation?value-quantity=ge1.8%7C${UCUM}%7Cg/L`, ids: ['o14'], spec: 'UCUM ge: 180 mg/dL is 1.8 g/L' },
  { query: `Observation?value-quantity=ap1.7%7C${UCUM}%7Cg/L`, ids: ['o14'], spec: 'UCUM ap: about 10%' },
  { query: `Observation?value-quantity=70%7C${UCUM}%7Ckg`, ids: ['o06', 'o07'], spec: 'UCUM: 70000 g is 70 kg' },
  { query: `Observation?value-quantity=lt0.1%7C${UCUM}%7Ct`, ids: ['o06', 'o07'], spec: 'UCUM: tonnes' },
  {
    query: `Observation?value-quantity=gt1%7C${UCUM}%7C/s`,
    ids: ['o01', 'o02', 'o13'],
    spec: 'UCUM: per second against per minute (60/min is not > 1/s)',
  },
  { query: `Observation?value-quantity=5.5%7C${UCUM}%7Cmmol/L`, ids: ['o05'], spec: 'UCUM: mmol/L, stored unit' },
  {
    query: `Observation?value-quantity=100%7C${UCUM}%7Cnot-a-unit`,
    ids: [],
    spec: 'UCUM: a code that does not convert compares exactly',
  },
  {
    query: `Observation?component-value-quantity=gt18%7C${UCUM}%7CkPa`,
    ids: ['o08'],
    spec: 'UCUM on components: 140 mm[Hg] > 18 kPa',
  },
  {
    query: `Observation?code-value-quantity=http://loinc.org%7C2339-0$gt1%7C${UCUM}%7Cg/L`,
    ids: ['o14'],
    spec: '§composite with a UCUM quantity',
  },
  {
    query: `Observation?component-code-value-quantity=http://loinc.org%7C8462-4$gt11%7C${UCUM}%7CkPa`,
    ids: ['o08'],
    spec: '§composite on components, UCUM: diastolic 90 mm[Hg] > 11 kPa, 80 is not',
  },
  { query: `Encounter?length=2%7C${UCUM}%7Ch`, ids: ['e1'], spec: 'UCUM: 120 min is 2 h; not e2 (not UCUM)' },
  { query: 'Encounter?length=2%7Curn:test:units%7Ch', ids: ['e2'], spec: '§quantity: a non-UCUM unit, exactly' },
  { query: 'Encounter?length=2', ids: ['e2'], spec: '§quantity without a unit: the number as stored' },
  { query: `Condition?onset-age=ge600%7C${UCUM}%7Cmo`, ids: ['c4'], spec: 'UCUM: 50 a is 600 mo' },
  { query: `Condition?onset-age=gt600%7C${UCUM}%7Cmo`, ids: [], spec: 'UCUM: 50 a is exactly 600 mo' },
];

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** identifier:of-type (R4 3.1.1.4.6, token): the type coding and the value of one Identifier. */
const ofTypeRows: ConformanceRow[] = [
  { query: `Patient?identifier:of-type=${V2_0203}%7CMR%7CM001`, ids: ['p1'], spec: '§:of-type type|value' },
  { query: `Patient?identifier:of-type=${V2_0203}%7CDL%7CM008`, ids: ['p8'], spec: '§:of-type: DL' },
  { query: `Patient?identifier:of-type=${V2_0203}%7CMR%7CM008`, ids: [], spec: '§:of-type: an untyped identifier' },
  {
    query: `Patient?identifier:of-type=${V2_0203}%7CMR%7CD-77`,
    ids: [],
    spec: '§:of-type: type and value of the same Identifier',
  },
  { query: `Patient?identifier:of-type=${V2_0203}%7CDL%7CD-77`, ids: ['p2'], spec: '§:of-type: second identifier' },
  {
    query: `Patient?identifier:of-type=${V2_0203}%7CMR%7CM001,${V2_0203}%7CDL%7CD-77`,
    ids: ['p1', 'p2'],
    spec: '§:of-type, comma = OR',
  },
  {
    query: `Observation?subject:Patient.identifier:of-type=${V2_0203}%7CMR%7CM001`,
    ids: ['o01', 'o02', 'o10'],
    spec: '§chained :of-type',
  },
  { query: 'Patient?identifier:of-type=MR%7CM001', status: 400, names: 'identifier', spec: '§:of-type needs 3 parts' },
  {
    query: `Patient?gender:of-type=${V2_0203}%7CMR%7Cx`,
    status: 400,
    names: 'gender',
    spec: '§:of-type is for Identifier tokens',
  },
];

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

/** token :above/:below over the CodeSystems stored in the data set (dataset.ts). */
const subsumptionRows: ConformanceRow[] = [
  {
    query: 'Condition?code:below=http://snomed.info/sct%7C73211009',
    ids: ['c2', 'c5'],
    spec: '§token :below: the code and its descendants (nested concepts)',
  },
  {
    query: 'Condition?code:below=http://snomed.info/sct%7C64572001',
    ids: ALL_CONDITIONS,
    spec: '§token :below: two levels down',
  },
  { query: 'Condition?code:below=http://snomed.info/sct%7C38341003', ids: ['c1', 'c4'], spec: '§token :below' },
  {
    query: 'Condition?code:above=http://snomed.info/sct%7C44054006',
    ids: ['c2', 'c5'],
    spec: '§token :above: the code and its ancestors',
  },
  { query: 'Condition?code:above=http://snomed.info/sct%7C73211009', ids: ['c5'], spec: '§token :above' },
  {
    query: `Condition?clinical-status:below=${CLINICAL}%7Cinactive`,
    ids: ['c2'],
    spec: '§token :below through parent properties',
  },
  {
    query: `Condition?clinical-status:above=${CLINICAL}%7Crelapse`,
    ids: ['c1', 'c3', 'c4', 'c5'],
    spec: '§token :above through parent properties',
  },
  {
    query: 'Condition?code:below=http://loinc.org%7C8867-4',
    status: 400,
    names: 'code',
    spec: '§token :below on a system whose hierarchy the server does not hold',
  },
  { query: 'Condition?code:below=73211009', status: 400, names: 'code', spec: '§token :below needs system|code' },
  {
    query: 'Observation?code:below=urn:test:big%7Croot',
    status: 400,
    names: 'code',
    spec: '§token :below expanding to more than 1,000 codes: too costly',
  },
];

/** reference :above/:below on absolute and canonical references (as uri, R4 3.1.1.4.9). */
const referenceHierarchyRows: ConformanceRow[] = [
  {
    query: `QuestionnaireResponse?questionnaire:below=${QUESTIONNAIRE}/phq-9`,
    ids: ['qr1'],
    spec: '§reference :below on a versioned canonical',
  },
  {
    query: `QuestionnaireResponse?questionnaire:below=${QUESTIONNAIRE}`,
    ids: ['qr1', 'qr2'],
    spec: '§reference :below',
  },
  {
    query: `QuestionnaireResponse?questionnaire:above=${QUESTIONNAIRE}/gad-7/extra`,
    ids: ['qr2'],
    spec: '§reference :above',
  },
  {
    query: 'Observation?subject:below=http://other.example.org/fhir',
    ids: ['o12'],
    spec: '§reference :below on an absolute reference',
  },
  {
    query: 'Observation?subject:below=Patient/p1',
    status: 400,
    names: 'subject',
    spec: '§reference :below takes a URL',
  },
];

/**
 * _text (the narrative) and _content (the whole resource): whole words, case and
 * accents ignored, space = AND, comma = OR; FTS syntax in a value is plain words.
 */
const fullTextRows: ConformanceRow[] = [
  { query: 'Patient?_text=smith', ids: ['p1'], spec: '§_text: the narrative (Smithson has none)' },
  { query: 'Patient?_text=john%20smith', ids: ['p1'], spec: '§_text: words AND' },
  { query: 'Patient?_text=john%20zhang', ids: [], spec: '§_text: every word' },
  { query: 'Patient?_text=zhang,paul', ids: ['p1'], spec: '§_text: comma = OR' },
  { query: 'Condition?_text=controlled', ids: ['c1', 'c2'], spec: '§_text inside markup' },
  { query: 'Condition?_text=poorly%20controlled', ids: ['c1'], spec: '§_text: words AND' },
  { query: 'Condition?_text=poorly,diet', ids: ['c1', 'c2'], spec: '§_text: comma = OR' },
  { query: 'Condition?_text=notes', ids: ['c1'], spec: '§_text: the text of a link' },
  { query: 'Condition?_text=href', ids: [], spec: '§_text: markup and attributes are not text' },
  { query: 'Condition?_text=hypertension', ids: ['c1'], spec: '§_text: the narrative only' },
  { query: 'Condition?_text=HYPERTENSI%C3%93N', ids: ['c1'], spec: '§_text: case and accents ignored' },
  { query: 'Condition?_content=hypertension', ids: ['c1', 'c4'], spec: '§_content: the narrative and the elements' },
  { query: 'Patient?_content=springfield', ids: ['p1', 'p2'], spec: '§_content: an address' },
  { query: 'Patient?_content=smith', ids: ['p1', 'p2'], spec: "§_content: whole words (O'Brien-Smith)" },
  { query: 'Patient?_content=sao%20paulo', ids: ['p5'], spec: '§_content: accents ignored (São Paulo)' },
  { query: 'Observation?_content=trace%20protein', ids: ['o11'], spec: '§_content: a string value' },
  { query: 'Patient?_content=smith%20OR%20zhang', ids: [], spec: '§_content: OR is a word, not an operator' },
  { query: 'Patient?_content=smi*', ids: [], spec: '§_content: * is not a prefix operator' },
  { query: 'Patient?_content=NEAR(smith%20john)', ids: [], spec: '§_content: NEAR is a word, not an operator' },
  { query: 'Patient?_content=family:smith', ids: [], spec: '§_content: no column filter' },
  {
    query: 'Observation?subject:Patient._text=smith',
    ids: ['o01', 'o02', 'o10'],
    spec: '§chained _text',
  },
  { query: 'Patient?_text=%22', status: 400, names: '_text', spec: '§_text: a value with no word' },
  { query: 'Patient?_text:exact=smith', status: 400, names: '_text', spec: '§_text takes no modifier' },
];

const referenceRows: ConformanceRow[] = [
  { query: 'Observation?subject=Patient/p1', ids: ['o01', 'o02', 'o10'], spec: '§reference Type/id' },
  { query: 'Observation?subject:Patient=p1', ids: ['o01', 'o02', 'o10'], spec: '§reference :[type] with an id' },
  { query: 'Observation?patient=p1', ids: ['o01', 'o02', 'o10'], spec: '§reference bare id, one target type' },
  {
    query: 'Observation?subject=p1',
    ids: ['o01', 'o02', 'o10'],
    spec: '§reference bare id: the one type with that id',
  },
  {
    query: 'Observation?subject=http://other.example.org/fhir/Patient/x1',
    ids: ['o12'],
    spec: '§reference absolute URL',
  },
  {
    query: 'Observation?subject:identifier=urn:test:mrn%7CM006',
    ids: ['o13'],
    spec: '§reference :identifier on Reference.identifier',
  },
  { query: 'Observation?subject=Patient/p6', ids: ['o14'], spec: '§reference: a reference that also carries its type' },
  { query: 'Observation?patient=Patient/p6', ids: ['o14'], spec: 'Observation-patient: subject that is a Patient' },
  {
    query: 'Observation?subject=Patient/p1,Patient/p2',
    ids: ['o01', 'o02', 'o10', 'o03', 'o04', 'o11'],
    spec: '§reference OR',
  },
  { query: 'Observation?subject:Group=p1', ids: [], spec: '§reference :[type] restricts the type' },
  { query: 'Observation?encounter=Encounter/e1', ids: ['o01'], spec: '§reference' },
  { query: 'Observation?performer=Practitioner/pr1', ids: ['o01'], spec: '§reference' },
  { query: 'Observation?performer:Practitioner=pr1', ids: ['o01'], spec: '§reference :[type]' },
  { query: 'Patient?general-practitioner=Practitioner/pr1', ids: ['p1'], spec: '§reference' },
  {
    query: 'Patient?general-practitioner:Organization=org1',
    ids: ['p6'],
    spec: '§reference :[type] on a multi-type parameter',
  },
  {
    query: 'Patient?general-practitioner:missing=true',
    ids: ['p3', 'p4', 'p5', 'p7', 'p8', 'p9'],
    spec: '§:missing on a reference',
  },
  { query: 'Patient?organization=org1', ids: ['p1', 'p2'], spec: '§reference bare id' },
  { query: 'Patient?link=Patient/p1', ids: ['p6'], spec: 'Patient-link' },
  {
    query: 'MedicationRequest?medication=Medication/med1',
    ids: ['m2'],
    spec: 'MedicationRequest-medication on medicationReference',
  },
  { query: 'Encounter?part-of=e1', ids: ['e4'], spec: '§reference bare id' },
  { query: 'Condition?encounter=Encounter/e1', ids: ['c1'], spec: '§reference' },
  { query: 'AllergyIntolerance?patient=p1', ids: ['a1'], spec: '§reference bare id' },
  {
    query: `QuestionnaireResponse?questionnaire=${QUESTIONNAIRE}/phq-9`,
    ids: ['qr1'],
    spec: '§canonical: url without version matches any version',
  },
  {
    query: `QuestionnaireResponse?questionnaire=${QUESTIONNAIRE}/phq-9%7C1.0`,
    ids: ['qr1'],
    spec: '§canonical url|version',
  },
  {
    query: `QuestionnaireResponse?questionnaire=${QUESTIONNAIRE}/phq-9%7C2.0`,
    ids: [],
    spec: '§canonical: another version does not match',
  },
  {
    query: `QuestionnaireResponse?questionnaire=${QUESTIONNAIRE}/gad-7`,
    ids: ['qr2'],
    spec: '§canonical without version',
  },
  { query: 'Encounter?participant=Practitioner/pr1', ids: ['e1'], spec: '§reference' },
  { query: 'Encounter?practitioner=pr1', ids: ['e1'], spec: '§reference bare id, one target type' },
  { query: 'Encounter?service-provider=Organization/org1', ids: ['e1'], spec: '§reference' },
  { query: 'AllergyIntolerance?recorder=Practitioner/pr1', ids: ['a1'], spec: '§reference' },
];

const uriRows: ConformanceRow[] = [
  { query: `Questionnaire?url=${QUESTIONNAIRE}/phq-9`, ids: ['q1'], spec: '§uri: exact match' },
  { query: `Questionnaire?url=${QUESTIONNAIRE}`, ids: [], spec: '§uri: no prefix match without :below' },
  { query: `Questionnaire?url:below=${QUESTIONNAIRE}/phq-9`, ids: ['q1', 'q3'], spec: '§uri :below' },
  { query: `Questionnaire?url:below=${QUESTIONNAIRE}`, ids: ['q1', 'q2', 'q3'], spec: '§uri :below' },
  { query: `Questionnaire?url:above=${QUESTIONNAIRE}/phq-9/short/extra`, ids: ['q1', 'q3'], spec: '§uri :above' },
  { query: 'Questionnaire?url:missing=false', ids: ['q1', 'q2', 'q3'], spec: '§:missing on a uri' },
];

// `_list` (type string, "all resources in nominated list (by id, Type/id ...)"): the resources the
// List's entries reference. Data: l1 = p3, o02, p5 and a missing Patient/p404; l2 = p5; l3 empty.
const listRows: ConformanceRow[] = [
  { query: 'Patient?_list=l1', ids: ['p3', 'p5'], spec: '§_list: the patients the List entries reference' },
  { query: 'Observation?_list=l1', ids: ['o02'], spec: '§_list: only entries of the searched type' },
  { query: 'Patient?_list=List/l2', ids: ['p5'], spec: '§_list: the List named as Type/id' },
  { query: 'Patient?_list=l1&gender=female', ids: ['p3'], spec: '§_list AND another parameter' },
  { query: 'Patient?_list=l2,l3', ids: ['p5'], spec: '§3.1.1.3 comma = OR over Lists' },
  { query: 'Patient?_list=l1&_list=l2', ids: ['p5'], spec: '§3.1.1.3 repeated _list = AND' },
  { query: 'Patient?_list=l3', ids: [], spec: '§_list: a List without entries' },
  { query: 'Patient?_list=nolist', ids: [], spec: '§_list: no such List, no match' },
  {
    query: 'Patient?_list=$current-problems',
    status: 400,
    names: '_list',
    spec: '§_list: functional lists are not kept by this server (refused, not an empty answer)',
  },
  { query: 'Patient?_list:missing=true', status: 400, names: '_list', spec: '§_list takes no modifier' },
];

const compositeRows: ConformanceRow[] = [
  {
    query: 'Observation?code-value-quantity=http://loinc.org%7C8867-4$gt90',
    ids: ['o02'],
    spec: '§composite token$quantity',
  },
  { query: 'Observation?code-value-quantity=http://loinc.org%7C2339-0$100', ids: ['o04'], spec: '§composite' },
  {
    query: 'Observation?code-value-quantity=http://loinc.org%7C2339-0$100%7Chttp://unitsofmeasure.org%7Cmg/dL',
    ids: ['o04'],
    spec: '§composite with a unit',
  },
  {
    query: 'Observation?code-value-quantity=http://loinc.org%7C8867-4$100,http://loinc.org%7C2339-0$180',
    ids: ['o02', 'o14'],
    spec: '§composite OR',
  },
  {
    query: 'Observation?component-code-value-quantity=http://loinc.org%7C8480-6$gt130',
    ids: ['o08'],
    spec: '§composite on components',
  },
  {
    query: 'Observation?component-code-value-quantity=http://loinc.org%7C8462-4$gt130',
    ids: [],
    spec: '§composite: both parts from the same component',
  },
  {
    query: 'Observation?component-code-value-quantity=8480-6$120',
    ids: ['o09'],
    spec: '§composite, code without system',
  },
  {
    query: 'Observation?combo-code-value-quantity=http://loinc.org%7C8867-4$lt70',
    ids: ['o03', 'o12'],
    spec: 'Observation-combo-code-value-quantity',
  },
  {
    query: 'Observation?code-value-concept=http://loinc.org%7C72166-2$http://snomed.info/sct%7C266919005',
    ids: ['o10'],
    spec: '§composite token$token',
  },
  {
    query: 'Observation?code-value-string=http://loinc.org%7C5804-0$positive',
    ids: ['o11'],
    spec: '§composite token$string',
  },
];

const chainRows: ConformanceRow[] = [
  { query: 'Observation?subject:Patient.name=smith', ids: ['o01', 'o02', 'o10'], spec: '§chained, with type' },
  { query: 'Observation?patient.gender=female', ids: ['o03', 'o04', 'o11', 'o05', 'o06'], spec: '§chained' },
  { query: 'Observation?patient.birthdate=1990', ids: ['o05', 'o06', 'o07'], spec: '§chained date' },
  {
    query: 'MedicationRequest?requester:Practitioner.family=baker',
    ids: ['m1', 'm3'],
    spec: '§chained on a multi-type reference',
  },
  { query: 'Observation?encounter.service-provider.name=good%20health', ids: ['o01'], spec: '§chained, two levels' },
  {
    query: 'Observation?patient.organization.identifier=urn:test:org%7CORG-1',
    ids: ['o01', 'o02', 'o10', 'o03', 'o04', 'o11'],
    spec: '§chained, two levels, token',
  },
  { query: 'Encounter?patient.identifier=urn:test:mrn%7CM005', ids: ['e3'], spec: '§chained token' },
  { query: 'Condition?subject:Patient.address-city=springfield', ids: ['c1', 'c2', 'c3'], spec: '§chained string' },
  {
    query: 'Observation?patient._tag=vip',
    ids: ['o01', 'o02', 'o10', 'o08', 'o09'],
    spec: '§chained into a resource parameter',
  },
  {
    query: 'Observation?subject:Patient.general-practitioner:Practitioner.family=zhang',
    ids: ['o03', 'o04', 'o11'],
    spec: '§chained, typed at each level',
  },
  {
    query: 'Patient?_has:Observation:patient:code=http://loinc.org%7C8867-4',
    ids: ['p1', 'p2', 'p7'],
    spec: '§_has reverse chain',
  },
  { query: 'Patient?_has:Condition:subject:code=38341003', ids: ['p1', 'p5'], spec: '§_has' },
  { query: 'Patient?_has:AllergyIntolerance:patient:criticality=high', ids: ['p1'], spec: '§_has' },
  {
    query: 'Practitioner?_has:MedicationRequest:requester:status=active',
    ids: ['pr1'],
    spec: '§_has on a non-patient target',
  },
  { query: 'Patient?_has:Encounter:patient:_has:Condition:encounter:code=38341003', ids: ['p1'], spec: '§_has nested' },
  { query: 'Patient?_has:Condition:subject:code=38341003&gender=female', ids: [], spec: '§_has AND another parameter' },
  { query: 'Patient?_has:Observation:subject:value-quantity=gt150', ids: ['p4', 'p6'], spec: '§_has with a quantity' },
  { query: 'Organization?_has:Patient:organization:gender=female', ids: ['org1'], spec: '§_has' },
];

const includeRows: ConformanceRow[] = [
  {
    query: 'MedicationRequest?status=active&_include=MedicationRequest:requester',
    ids: ['m1', 'm3'],
    include: ['Practitioner/pr1'],
    spec: '§_include, included once',
  },
  {
    query: 'MedicationRequest?_include=MedicationRequest:medication',
    ids: ['m1', 'm2', 'm3'],
    include: ['Medication/med1'],
    spec: '§_include',
  },
  {
    query: 'Patient?_id=p1&_revinclude=Observation:subject',
    ids: ['p1'],
    include: ['Observation/o01', 'Observation/o02', 'Observation/o10'],
    spec: '§_revinclude',
  },
  {
    query: 'Patient?_id=p6&_revinclude=Observation:subject',
    ids: ['p6'],
    include: ['Observation/o14'],
    spec: '§_revinclude follows literal references only',
  },
  {
    query: 'Observation?_id=o01&_include=Observation:patient&_include:iterate=Patient:general-practitioner',
    ids: ['o01'],
    include: ['Patient/p1', 'Practitioner/pr1'],
    spec: '§_include:iterate',
  },
  {
    query: 'Encounter?_id=e5&_include=Encounter:part-of',
    ids: ['e5'],
    include: ['Encounter/e4'],
    spec: '§_include without :iterate follows one step from the matches only',
  },
  {
    query: 'Encounter?_id=e5&_include:iterate=Encounter:part-of',
    ids: ['e5'],
    include: ['Encounter/e4', 'Encounter/e1'],
    spec: '§_include:iterate follows the chain of part-of to its end',
  },
  {
    query: 'Observation?_id=o01&_include=Observation:subject:Patient',
    ids: ['o01'],
    include: ['Patient/p1'],
    spec: '§_include with a target type',
  },
  {
    query: 'Encounter?_id=e1&_include=*',
    ids: ['e1'],
    include: ['Patient/p1', 'Practitioner/pr1', 'Organization/org1'],
    spec: '§_include=*',
  },
  {
    query: 'Encounter?_id=e4&_include=Encounter:part-of',
    ids: ['e4'],
    include: ['Encounter/e1'],
    spec: '§_include of the same type',
  },
  {
    query: 'Condition?_id=c1&_include=Condition:encounter&_include:iterate=Encounter:service-provider',
    ids: ['c1'],
    include: ['Encounter/e1', 'Organization/org1'],
    spec: '§_include:iterate',
  },
  {
    query: 'Patient?_id=p1&_revinclude=AllergyIntolerance:patient&_include=Patient:organization',
    ids: ['p1'],
    include: ['AllergyIntolerance/a1', 'Organization/org1'],
    spec: '§_include and _revinclude together',
  },
  {
    query: 'Patient?_id=p1&_revinclude=*',
    ids: ['p1'],
    include: [
      'Observation/o01',
      'Observation/o02',
      'Observation/o10',
      'Condition/c1',
      'Condition/c2',
      'Encounter/e1',
      'Encounter/e4',
      'Encounter/e5',
      'MedicationRequest/m1',
      'AllergyIntolerance/a1',
      'RiskAssessment/r1',
      'QuestionnaireResponse/qr1',
      'Patient/p6',
    ],
    spec: '§_revinclude=*',
  },
  {
    query: 'Observation?_id=o14&_include=Observation:subject',
    ids: ['o14'],
    include: ['Patient/p6'],
    spec: '§_include through a typed reference',
  },
  {
    query: 'Observation?_id=o12&_include=Observation:subject',
    ids: ['o12'],
    spec: '§_include: an external absolute reference is not included',
  },
  {
    query: 'Observation?_id=o13&_include=Observation:subject',
    ids: ['o13'],
    spec: '§_include: a reference by identifier only is not resolved',
  },
  {
    query: 'Patient?_id=p2&_revinclude=Condition:subject&_revinclude=Observation:patient',
    ids: ['p2'],
    include: ['Condition/c3', 'Observation/o03', 'Observation/o04', 'Observation/o11'],
    spec: '§_revinclude repeated',
  },
  {
    query: 'Patient?_id=p1&_revinclude=Observation:subject&_total=accurate',
    ids: ['p1'],
    include: ['Observation/o01', 'Observation/o02', 'Observation/o10'],
    total: 1,
    spec: '§total counts matches, not included resources',
  },
];

const compartmentRows: ConformanceRow[] = [
  {
    query: 'Patient/p1/Observation',
    ids: ['o01', 'o02', 'o10'],
    spec: '§compartment search (Patient compartment: subject, performer)',
  },
  { query: 'Patient/p1/Condition', ids: ['c1', 'c2'], spec: '§compartment search' },
  { query: 'Patient/p1/Encounter', ids: ['e1', 'e4', 'e5'], spec: '§compartment search' },
  {
    query: 'Patient/p1/Observation?code=http://loinc.org%7C8867-4',
    ids: ['o01', 'o02'],
    spec: '§compartment search with a parameter',
  },
  { query: 'Patient/p6/Observation', ids: ['o14'], spec: '§compartment search, typed reference' },
  { query: 'Patient/p1/MedicationRequest', ids: ['m1'], spec: '§compartment search' },
  { query: 'Patient/p5/AllergyIntolerance', ids: ['a2'], spec: '§compartment search' },
  {
    query: 'Patient/p3/$everything',
    entries: ['Patient/p3', 'Observation/o05', 'Observation/o06', 'Condition/c5', 'AllergyIntolerance/a3'],
    spec: 'Patient $everything: the patient and its compartment',
  },
];

const sortRows: ConformanceRow[] = [
  {
    query: 'Observation?code=http://loinc.org%7C8867-4&value-quantity=gt0&_sort=value-quantity',
    ids: ['o03', 'o12', 'o13', 'o01', 'o02'],
    ordered: true,
    spec: '§_sort on a quantity as a number (9.5 < 100)',
  },
  {
    query: 'Observation?code=http://loinc.org%7C8867-4&value-quantity=gt0&_sort=-value-quantity',
    ids: ['o02', 'o01', 'o13', 'o12', 'o03'],
    ordered: true,
    spec: '§_sort descending',
  },
  {
    query: 'Patient?family:missing=false&_sort=family,_id',
    ids: ['p5', 'p3', 'p4', 'p7', 'p2', 'p1', 'p8', 'p6'],
    ordered: true,
    spec: '§_sort strings by their normalised form, then _id',
  },
  {
    query: 'Patient?birthdate:missing=false&_sort=birthdate',
    ids: ['p5', 'p1', 'p8', 'p2', 'p3', 'p4', 'p6'],
    ordered: true,
    spec: '§_sort dates as values',
  },
  {
    query: 'Patient?birthdate=lt1990&_sort=-birthdate',
    ids: ['p2', 'p8', 'p1', 'p5'],
    ordered: true,
    spec: '§_sort dates descending',
  },
  { query: 'RiskAssessment?_sort=probability', ids: ['r3', 'r1', 'r2'], ordered: true, spec: '§_sort numbers' },
  {
    query: 'RiskAssessment?_sort=-probability',
    ids: ['r2', 'r1', 'r3'],
    ordered: true,
    spec: '§_sort numbers descending',
  },
  {
    query: 'Patient?_sort=_id',
    ids: ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'],
    ordered: true,
    spec: '§_sort _id',
  },
  {
    query: 'Observation?subject=Patient/p1&_sort=-date',
    ids: ['o02', 'o10', 'o01'],
    ordered: true,
    spec: '§_sort dateTimes with offsets as instants',
  },
  { query: 'Patient?gender=male&_sort=-_id', ids: ['p6', 'p5', 'p1'], ordered: true, spec: '§_sort descending _id' },
  {
    query: 'Encounter?date:missing=false&_sort=date',
    ids: ['e3', 'e2', 'e1'],
    ordered: true,
    spec: '§_sort Periods by start, offsets applied',
  },
];

/**
 * `_sort` on quantities (docs/fhir.md). Values whose UCUM unit converts compare in
 * UCUM base units, grouped by those units compared as text: `1` (mmol: a number of
 * particles) < `g1` (kg, g, mg) < `m-3` (mmol/L) < `m-3.g1` (mg/dL) < `s-1` (/min).
 * Then resources whose values do not convert, by the number as stored; then those
 * without a value. A resource with several values sorts by the one that comes first
 * in the sort order (§3.1.1.5.1: smallest ascending, largest descending), taken from
 * its converting values when it has one. Ties in resource order, that of the first key.
 * In base units: o03 9.5/min = 0.158/s, o12 1/s, o13 1.2/s, o01 1.31/s, o02 1.67/s;
 * o04 100 mg/dL = 1000 g/m3, o14 1800 g/m3; o05 5.5 mmol/L; o06 70 kg = o07 70000 g.
 */
const quantitySortRows: ConformanceRow[] = [
  {
    query: 'Observation?value-quantity:missing=false&_sort=value-quantity',
    ids: ['o06', 'o07', 'o05', 'o04', 'o14', 'o03', 'o12', 'o13', 'o01', 'o02'],
    ordered: true,
    spec: '§_sort quantity: in UCUM base units, grouped by them (70 kg = 70000 g, a tie in resource order)',
  },
  {
    query: 'Observation?value-quantity:missing=false&_sort=-value-quantity',
    ids: ['o02', 'o01', 'o13', 'o12', 'o03', 'o14', 'o04', 'o05', 'o07', 'o06'],
    ordered: true,
    spec: '§_sort quantity descending: the reverse, ties in reverse resource order',
  },
  {
    query: 'Observation?code=http://loinc.org%7C2339-0&_sort=-value-quantity',
    ids: ['o14', 'o04', 'o05'],
    ordered: true,
    spec: '§_sort quantity: mmol/L is not comparable with mg/dL (no molar mass), it sorts in its own group',
  },
  {
    query: 'Observation?code=http://loinc.org%7C29463-7&_sort=value-quantity,date',
    ids: ['o07', 'o06'],
    ordered: true,
    spec: '§_sort two keys: 70000 g ties with 70 kg, the date decides',
  },
  {
    query: 'Encounter?_sort=length',
    ids: ['e1', 'e2', 'e3', 'e4', 'e5'],
    ordered: true,
    spec: '§_sort quantity: 120 min (UCUM) before 2 h of another system (not compared), then no length',
  },
  {
    query: 'Encounter?_sort=-length',
    ids: ['e1', 'e2', 'e5', 'e4', 'e3'],
    ordered: true,
    spec: '§_sort quantity descending: values that convert, then values as stored, then none',
  },
  {
    query: 'Substance?_sort=quantity',
    ids: ['s3', 's1', 's2', 's7', 's4', 's5', 's6'],
    ordered: true,
    spec: '§_sort repeating quantity ascending: each by its smallest (s3 by 3 mmol, s1 by 500 mg)',
  },
  {
    query: 'Substance?_sort=-quantity',
    ids: ['s7', 's1', 's2', 's3', 's5', 's4', 's6'],
    ordered: true,
    spec: '§_sort repeating quantity descending: each by its largest (s1 and s7 by 2 g, s3 by 0.8 g)',
  },
  {
    query: 'Substance?_sort=-quantity,_id',
    ids: ['s1', 's7', 's2', 's3', 's5', 's4', 's6'],
    ordered: true,
    spec: '§_sort two keys: 2 g and 2000 mg tie, _id decides',
  },
  {
    query: `Substance?quantity=ge1.5%7C${UCUM}%7Cg`,
    ids: ['s1', 's2', 's7'],
    spec: 'UCUM on a repeating quantity: 2 g, 1.5 g, 2000 mg',
  },
];

const pagingRows: ConformanceRow[] = [
  {
    query: 'Observation?code=http://loinc.org%7C8867-4&_sort=_id&_count=2',
    pages: [
      ['o01', 'o02'],
      ['o03', 'o12'],
      ['o13', 'o15'],
    ],
    spec: '§paging: next advances, no next on the last page',
  },
  {
    query: 'Patient?_sort=_id&_count=3',
    pages: [
      ['p1', 'p2', 'p3'],
      ['p4', 'p5', 'p6'],
      ['p7', 'p8', 'p9'],
    ],
    spec: '§paging: the last page ends exactly at the end',
  },
  {
    query: 'Patient?gender=male,female&_sort=_id&_count=4',
    pages: [
      ['p1', 'p2', 'p3', 'p5'],
      ['p6', 'p8'],
    ],
    spec: '§paging: a short last page',
  },
  { query: 'Patient?family=nobody&_count=5', pages: [[]], spec: '§paging: an empty result has one page and no next' },
  {
    query: 'Patient?_total=accurate&_count=2&_sort=_id',
    ids: ['p1', 'p2'],
    ordered: true,
    total: 9,
    spec: '§_total=accurate counts every match, not the page',
  },
  {
    query: 'Observation?code=http://loinc.org%7C8867-4&_total=accurate&_count=1&_sort=_id',
    ids: ['o01'],
    total: 6,
    spec: '§_total=accurate',
  },
  { query: 'Patient?_summary=count', ids: [], total: 9, spec: '§_summary=count: the total, no entries' },
  { query: 'Observation?status=final&_summary=count', ids: [], total: 12, spec: '§_summary=count with a filter' },
  { query: 'Patient?gender=male&_summary=count', ids: [], total: 3, spec: '§_summary=count' },
  {
    query: 'MedicationRequest?_include=MedicationRequest:requester&_sort=_id&_count=2',
    pages: [['m1', 'm2'], ['m3']],
    spec: '§paging with _include: matches paged, includes per page',
  },
  {
    query: 'Substance?_sort=-quantity&_count=3',
    pages: [['s7', 's1', 's2'], ['s3', 's5', 's4'], ['s6']],
    spec: '§paging a quantity sort: pages follow one order, ties broken the same way on every page',
  },
];

const summaryRows: ConformanceRow[] = [
  {
    query: 'Patient?_id=p1&_summary=true',
    ids: ['p1'],
    elements: {
      present: ['identifier', 'name', 'gender', 'birthDate', 'address', 'managingOrganization'],
      absent: ['text', 'generalPractitioner'],
      subsetted: true,
    },
    spec: '§_summary=true: summary elements only, tagged SUBSETTED',
  },
  {
    query: 'Patient?_id=p1&_summary=text',
    ids: ['p1'],
    elements: { present: ['text'], absent: ['name', 'identifier', 'generalPractitioner'], subsetted: true },
    spec: '§_summary=text: text, id, meta and mandatory elements',
  },
  {
    query: 'Patient?_id=p1&_summary=data',
    ids: ['p1'],
    elements: { present: ['name', 'identifier', 'generalPractitioner'], absent: ['text'], subsetted: true },
    spec: '§_summary=data: everything but the text',
  },
  {
    query: 'Patient?_id=p1&_summary=false',
    ids: ['p1'],
    elements: { present: ['text', 'name', 'generalPractitioner'], absent: [], subsetted: false },
    spec: '§_summary=false: the whole resource',
  },
  {
    query: 'Patient?_id=p1&_elements=identifier,gender',
    ids: ['p1'],
    elements: { present: ['identifier', 'gender'], absent: ['name', 'birthDate', 'address', 'text'], subsetted: true },
    spec: '§_elements: the listed elements, tagged SUBSETTED',
  },
  {
    query: 'Observation?_id=o01&_elements=status,code',
    ids: ['o01'],
    elements: { present: ['status', 'code'], absent: ['valueQuantity', 'performer', 'subject'], subsetted: true },
    spec: '§_elements',
  },
];

const handlingRows: ConformanceRow[] = [
  {
    query: 'Patient?family=smith&nonsense=1',
    handling: 'lenient',
    ids: ['p1', 'p8'],
    outcome: true,
    names: 'nonsense',
    spec: '§3.1.1.5 Prefer handling=lenient: unknown parameter ignored and reported',
  },
  {
    query: 'Patient?family=smith&nonsense=1',
    handling: 'strict',
    status: 400,
    names: 'nonsense',
    spec: '§3.1.1.5 Prefer handling=strict: unknown parameter is an error',
  },
  {
    query: 'Patient?family=smith&_nonsense=1',
    handling: 'lenient',
    ids: ['p1', 'p8'],
    outcome: true,
    names: '_nonsense',
    spec: '§3.1.1.5 lenient: an unknown _parameter too',
  },
  {
    query: 'Patient?family=smith&_nonsense=1',
    handling: 'strict',
    status: 400,
    names: '_nonsense',
    spec: '§3.1.1.5 strict',
  },
];

/** Errors: 400 with an OperationOutcome that names the parameter and does not echo the value. */
const errorRows: ConformanceRow[] = [
  {
    query: 'Patient?gender:exact=male',
    status: 400,
    names: 'gender',
    spec: '§modifiers: :exact is not defined for token',
  },
  {
    query: 'Patient?birthdate:contains=1990',
    status: 400,
    names: 'birthdate',
    spec: '§modifiers: :contains is not defined for date',
  },
  {
    query: 'Patient?name:below=smith',
    status: 400,
    names: 'name',
    spec: '§modifiers: :below is not defined for string',
  },
  {
    query: 'Observation?value-quantity:exact=1',
    status: 400,
    names: 'value-quantity',
    spec: '§modifiers: :exact is not defined for quantity',
  },
  {
    query: 'Observation?value-quantity=notaquantity',
    status: 400,
    names: 'value-quantity',
    hides: 'notaquantity',
    spec: '§quantity: not a number',
  },
  {
    query: 'Patient?birthdate=not-a-date',
    status: 400,
    names: 'birthdate',
    hides: 'not-a-date',
    spec: '§date: malformed value',
  },
  {
    query: 'Patient?birthdate=2025-13-45',
    status: 400,
    names: 'birthdate',
    hides: '2025-13-45',
    spec: '§date: impossible date',
  },
  {
    query: 'Observation?date=zz2025-12-23',
    status: 400,
    names: 'date',
    hides: 'zz2025-12-23',
    spec: '§date: unknown prefix',
  },
  {
    query: 'RiskAssessment?probability=veryhigh',
    status: 400,
    names: 'probability',
    hides: 'veryhigh',
    spec: '§number: not a number',
  },
  {
    query: 'Observation?subject:Foo=p1',
    status: 400,
    names: 'subject',
    spec: '§reference :[type]: not a resource type',
  },
  {
    query: 'Observation?code-value-quantity=http://loinc.org%7C8867-4',
    status: 400,
    names: 'code-value-quantity',
    spec: '§composite: a part is missing',
  },
  {
    query: 'Observation?patient.nonsense=x',
    status: 400,
    names: 'nonsense',
    spec: '§chained: unknown parameter on the target',
  },
  {
    query: 'Patient?_has:Observation:patient:nonsense=1',
    status: 400,
    names: 'nonsense',
    spec: '§_has: unknown parameter',
  },
  { query: 'Patient?_sort=nonsense', status: 400, names: 'nonsense', spec: '§_sort: unknown parameter' },
  { query: 'Patient?_count=abc', status: 400, names: '_count', spec: '§_count: not a number' },
  { query: 'Patient?_include=Patient:nonsense', status: 400, names: '_include', spec: '§_include: unknown parameter' },
  { query: 'Patient?_summary=maybe', status: 400, names: '_summary', spec: '§_summary: unknown value' },
  { query: 'Patient?_total=some', status: 400, names: '_total', spec: '§_total: unknown value' },
];

export const CONFORMANCE_ROWS: ConformanceRow[] = [
  ...stringRows,
  ...tokenRows,
  ...resourceParamRows,
  ...dateRows,
  ...numberRows,
  ...quantityRows,
  ...ucumRows,
  ...ofTypeRows,
  ...subsumptionRows,
  ...referenceHierarchyRows,
  ...fullTextRows,
  ...referenceRows,
  ...uriRows,
  ...listRows,
  ...compositeRows,
  ...chainRows,
  ...includeRows,
  ...compartmentRows,
  ...sortRows,
  ...quantitySortRows,
  ...pagingRows,
  ...summaryRows,
  ...handlingRows,
  ...errorRows,
];
