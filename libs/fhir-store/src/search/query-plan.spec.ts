import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFhirDefinitions } from '@ehr-gateway/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { StoreDatabase } from '../storage/store-database';
import { WorkerRunner } from './plan-runner';
import { SearchPlan } from './search-plan';
import { SearchService } from './search-service';
import { sql } from './sql';

/** The driving form of one search filter per parameter type, as the executor runs it when it is selective. */
const ONE_PER_TYPE: [type: string, resourceType: string, query: string][] = [
  ['string', 'Patient', 'family=smith'],
  ['string :exact', 'Patient', 'family:exact=Smith'],
  ['token', 'Observation', 'code=http://loinc.org|8867-4'],
  ['token :text', 'Observation', 'code:text=heart'],
  ['date', 'Observation', 'date=2025-12-23'],
  ['date gt', 'Observation', 'date=gt2025-12-23'],
  ['number', 'RiskAssessment', 'probability=0.25'],
  ['quantity', 'Observation', 'value-quantity=gt100'],
  ['reference', 'Observation', 'subject=Patient/p1'],
  ['reference :identifier', 'Observation', 'subject:identifier=urn:mrn|1'],
  ['uri', 'Questionnaire', 'url=http://example.org/q'],
  ['composite', 'Observation', 'code-value-quantity=http://loinc.org|8867-4$gt100'],
  ['chain', 'Observation', 'subject:Patient.family=smith'],
  ['_has', 'Patient', '_has:Observation:patient:code=8867-4'],
];

describe('search plans', () => {
  let db: StoreDatabase;
  let service: SearchService;

  beforeAll(async () => {
    loadFhirDefinitions();
    db = new StoreDatabase(':memory:');
    // Parameter ids exist once a value was indexed under them: index one resource of each kind.
    db.atomically(() => {
      const write = (resource: Resource) =>
        db.write({
          resourceType: resource.resourceType,
          id: resource.id!,
          version: 1,
          lastUpdated: '2025-01-01T00:00:00.000Z',
          deleted: false,
          resource,
        });
      write({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Smith' }] });
      write({
        resourceType: 'Observation',
        id: 'o1',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
        subject: { reference: 'Patient/p1', identifier: { system: 'urn:mrn', value: '1' } },
        effectiveDateTime: '2025-12-23',
        valueQuantity: { value: 100, system: 'http://unitsofmeasure.org', code: '/min' },
      });
      write({
        resourceType: 'RiskAssessment',
        id: 'r1',
        status: 'final',
        subject: { reference: 'Patient/p1' },
        prediction: [{ probabilityDecimal: 0.25 }],
      });
      write({ resourceType: 'Questionnaire', id: 'q1', status: 'active', url: 'http://example.org/q' });
    });
    service = new SearchService(
      db,
      { run: () => Promise.reject(new Error('not used')), close: async () => {} },
      'urn:test',
    );
  });
  afterAll(() => db.close());

  it.each(ONE_PER_TYPE)('%s: the index drives the filter (EXPLAIN QUERY PLAN)', (_type, resourceType, query) => {
    const plan = service.plan(service.parse(resourceType, query));
    const driver = plan.candidates[0]?.ridSet;
    expect(driver).toBeDefined();
    const steps = db.db
      .prepare(`EXPLAIN QUERY PLAN ${driver.text}`)
      .all(...driver.params)
      .map((row) => String(row.detail));
    const indexTables = steps.filter((detail) => /\bidx_\w+\b/.test(detail) || /\bresource\b/.test(detail));
    expect(indexTables.length).toBeGreaterThan(0);
    // Every step over an index table or the resource table is an index search, never a full scan.
    for (const detail of indexTables)
      expect(detail).toMatch(/^SEARCH .* USING (COVERING INDEX|INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/);
  });
});

describe('the search time budget', () => {
  it('stops a search that outlives it with too-costly, and the next search still runs', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fhir-store-budget-')), 'store.sqlite');
    const store = new StoreDatabase(path);
    store.atomically(() => {
      for (let i = 0; i < 300; i++) {
        const patient = { resourceType: 'Patient', id: `p${i}` } as const;
        store.write({
          ...patient,
          version: 1,
          lastUpdated: '2025-01-01T00:00:00.000Z',
          deleted: false,
          resource: patient,
        });
      }
    });
    store.close();
    const runner = new WorkerRunner(path, 300, 1);
    const plan: SearchPlan = {
      base: sql`r.type = 'Patient' AND r.deleted = 0`,
      candidates: [],
      probes: [],
      order: [],
      descending: false,
      count: 1,
      offset: 0,
      total: 'accurate',
      includes: [],
      maxIncludes: 0,
    };
    // A condition far costlier than the budget over every row: a 50,000-step recursive count per resource.
    const slow = sql`(WITH RECURSIVE n(x) AS (SELECT r.rid UNION ALL SELECT x + 1 FROM n LIMIT 50000) SELECT count(*) FROM n) > 0`;
    try {
      await expect(runner.run({ ...plan, probes: [slow] })).rejects.toMatchObject({
        status: 400,
        outcome: { issue: [{ code: 'too-costly' }] },
      });
      const quick = await runner.run(plan);
      expect(quick.total).toBe(300);
    } finally {
      await runner.close();
    }
  });
});
