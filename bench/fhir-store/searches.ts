import { US_CORE_PATIENT } from './bench-data';

const FAMILIES = ['smith', 'garcia', 'nguyen', 'lee', 'walker'];
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const UCUM = 'http://unitsofmeasure.org';

/** What a search may depend on: ids of some loaded patients, and how many were loaded. */
export interface SearchContext {
  patientIds: string[];
  patients: number;
}

export interface BenchSearch {
  /** The parameter type or feature the search represents. */
  kind: string;
  query: (i: number, context: SearchContext) => string;
}

const family = (i: number) => FAMILIES[i % FAMILIES.length];
const patient = (i: number, context: SearchContext) => context.patientIds[i % context.patientIds.length];
/** A day in 2025, different for each iteration. */
const day = (i: number) => new Date(Date.UTC(2025, 0, 1 + (i % 360))).toISOString().slice(0, 10);

/** The baseline every search is compared with: a read by id. */
export const READ: BenchSearch = { kind: 'baseline: read by id', query: (i, c) => `Patient/${patient(i, c)}` };

/** One representative search per parameter type, then the features the issue names; all with _count=20. */
export const SEARCHES: BenchSearch[] = [
  { kind: 'string', query: (i) => `Patient?name=${family(i)}&_count=20` },
  { kind: 'token', query: () => 'Observation?code=http://loinc.org|8867-4&_count=20' },
  {
    kind: 'token (selective)',
    query: (i, c) => `Patient?identifier=urn:ehr-gateway:bench:mrn|B${(i * 97) % c.patients}&_count=20`,
  },
  { kind: 'date', query: (i) => `Encounter?date=${day(i)}&_count=20` },
  { kind: 'number', query: () => 'RiskAssessment?probability=gt0.95&_count=20' },
  { kind: 'quantity', query: () => `Observation?value-quantity=gt180|${UCUM}|mg/dL&_count=20` },
  { kind: 'reference', query: (i, c) => `Observation?subject=Patient/${patient(i, c)}&_count=20` },
  { kind: 'uri', query: () => `Patient?_profile=${US_CORE_PATIENT}&_count=20` },
  { kind: 'composite', query: () => 'Observation?code-value-quantity=http://loinc.org|8867-4$gt120&_count=20' },
  { kind: '_sort (quantity)', query: () => 'Observation?code=http://loinc.org|2339-0&_sort=-value-quantity&_count=20' },
  {
    kind: '_include',
    query: () => `MedicationRequest?code=${RXNORM}|314076&_include=MedicationRequest:patient&_count=20`,
  },
  { kind: '_revinclude', query: (i) => `Patient?name=${family(i)}&_revinclude=AllergyIntolerance:patient&_count=20` },
  {
    kind: 'chained',
    query: (i) => `Observation?subject:Patient.name=${family(i)}&code=http://loinc.org|8867-4&_count=20`,
  },
  { kind: '_has', query: () => `Patient?_has:AllergyIntolerance:patient:code=${RXNORM}|7980&_count=20` },
  { kind: '_total=accurate (large)', query: () => 'Observation?category=vital-signs&_total=accurate&_count=20' },
];

/** The search paged through: 10,000 results, 100 a page. */
export const PAGED = 'Observation?category=vital-signs&_count=100';
export const PAGED_RESULTS = 10_000;
