import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFhirDefinitions } from '@ehr-gateway/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { StoreDatabase } from '../storage/store-database';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { WorkerRunner } from './plan-runner';
import { DRIVER_LIMIT, SearchPlan, executePlan, setDeadline } from './search-plan';
import { SearchService } from './search-service';
import { sql } from './sql';
import { firstVersion } from '../../../../test/support/store-versions';

/** The driving form of one search filter per parameter type, as the executor runs it when it is selective. */
const ONE_PER_TYPE: [type: string, resourceType: string, query: string][] = [
  ['string', 'Patient', 'family=smith'],
  ['string :exact', 'Patient', 'family:exact=Smith'],
  ['token', 'Observation', 'code=http://loinc.org|8867-4'],
  ['token :text', 'Observation', 'code:text=heart'],
  ['date', 'Observation', 'date=2025-12-23'],
  ['date gt', 'Observation', 'date=gt2025-12-01'],
  ['number', 'RiskAssessment', 'probability=0.25'],
  ['quantity', 'Observation', 'value-quantity=gt100'],
  ['reference', 'Observation', 'subject=Patient/p1'],
  ['reference :identifier', 'Observation', 'subject:identifier=urn:mrn|1'],
  ['uri', 'Questionnaire', 'url=http://example.org/q'],
  ['composite', 'Observation', 'code-value-quantity=http://loinc.org|8867-4$gt100'],
  ['chain', 'Observation', 'subject:Patient.family=smith'],
  ['_has', 'Patient', '_has:Observation:patient:code=8867-4'],
  ['quantity in UCUM base units', 'Observation', 'value-quantity=gt1|http://unitsofmeasure.org|/s'],
  ['token :of-type', 'Patient', 'identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|1'],
  ['token :below', 'Observation', 'code:below=http://loinc.org|vitals'],
  ['token :above', 'Observation', 'code:above=http://loinc.org|8867-4'],
  ['reference :below', 'Observation', 'subject:below=http://other.example.org/fhir'],
  ['_text', 'Patient', '_text=smith'],
  ['_content', 'Observation', '_content=heart'],
];

describe('search plans', () => {
  let db: StoreDatabase;
  let service: SearchService;

  beforeAll(async () => {
    loadFhirDefinitions();
    db = new StoreDatabase(':memory:');
    // Parameter ids exist once a value was indexed under them: index one resource of each kind.
    db.atomically(() => {
      const write = (resource: Resource) => db.write(firstVersion(resource));
      write({
        resourceType: 'Patient',
        id: 'p1',
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">John Smith</div>' },
        identifier: [
          { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: '1' },
        ],
        name: [{ family: 'Smith' }],
        link: [{ other: { reference: 'Patient/p2' }, type: 'seealso' }],
      });
      write({ resourceType: 'Patient', id: 'p2', name: [{ family: 'Smithson' }] });
      write({
        resourceType: 'Observation',
        id: 'o1',
        status: 'final',
        category: [{ coding: [{ code: 'vital-signs' }] }],
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
        subject: { reference: 'Patient/p1', identifier: { system: 'urn:mrn', value: '1' } },
        effectiveDateTime: '2025-12-23',
        valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: '/min' },
      });
      write({
        resourceType: 'Observation',
        id: 'o2',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { identifier: { system: 'urn:mrn', value: '1' } },
      });
      write({
        resourceType: 'Observation',
        id: 'o3',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        subject: { reference: 'http://other.example.org/fhir/Patient/x1' },
      });
      // A quantity in no UCUM unit: a quantity sort reads it from the stored values' index, after the canonical one.
      write({
        resourceType: 'Observation',
        id: 'o4',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        valueQuantity: { value: 80, unit: 'beats per minute' },
      });
      write({
        resourceType: 'RiskAssessment',
        id: 'r1',
        status: 'final',
        subject: { reference: 'Patient/p1' },
        prediction: [{ probabilityDecimal: 0.25 }],
      });
      write({ resourceType: 'Questionnaire', id: 'q1', status: 'active', url: 'http://example.org/q' });
      write({
        resourceType: 'CodeSystem',
        id: 'loinc-part',
        url: 'http://loinc.org',
        status: 'active',
        content: 'complete',
        concept: [{ code: 'vitals', concept: [{ code: '8867-4' }] }],
      });
      write({
        resourceType: 'List',
        id: 'l1',
        status: 'current',
        mode: 'working',
        entry: [{ item: { reference: 'Patient/p1' } }],
      });
    });
    // The SQL functions plans call (`search_budget()`...), for EXPLAIN outside `executePlan`.
    setDeadline(db.db, Date.now() + 60_000);
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
    const steps = explain(db.db, driver);
    const indexTables = steps.filter((detail) => /\bidx_\w+\b/.test(detail) || /\bresource\b/.test(detail));
    expect(indexTables.length + steps.filter(isFullTextStep).length).toBeGreaterThan(0);
    // Every step over an index table or the resource table is an index search, never a full scan.
    for (const detail of indexTables) expect(detail).toMatch(INDEX_SEARCH);
    // The full-text table is read through its MATCH index (FTS5's plan names 'M' for a MATCH constraint).
    for (const detail of steps.filter(isFullTextStep)) expect(detail).toMatch(FULL_TEXT_MATCH);
  });

  // Every statement a search runs, for a small result (a filter drives, its matches sorted in full) and a
  // large one (driverLimit 0: a filter streams in rid order, or the sort key's index is walked, or the type's
  // rows are probed in rid order): index searches only, and for a large result no sort of every match.
  const SEARCHES: [feature: string, resourceType: string, query: string][] = [
    ...ONE_PER_TYPE,
    ['_sort (quantity, descending)', 'Observation', 'code=http://loinc.org|8867-4&_sort=-value-quantity'],
    ['_sort (quantity, UCUM base units then stored values)', 'Observation', '_sort=value-quantity'],
    ['_sort (quantity, two keys)', 'Observation', 'status=final&_sort=value-quantity,-date'],
    ['_sort (string)', 'Patient', '_sort=family'],
    ['_sort (date)', 'Observation', 'status=final&_sort=date'],
    ['_sort (date, descending, two keys)', 'Observation', '_sort=-date,value-quantity'],
    ['_include', 'Observation', 'code=http://loinc.org|8867-4&_include=Observation:subject'],
    ['_include:iterate', 'RiskAssessment', '_include=RiskAssessment:subject&_include:iterate=Patient:link'],
    ['_revinclude', 'Patient', 'family=smith&_revinclude=Observation:subject'],
    ['_revinclude *', 'Patient', '_id=p1&_revinclude=*'],
    ['chain and token', 'Observation', 'subject:Patient.family=smith&code=http://loinc.org|8867-4'],
    ['chain, two levels', 'RiskAssessment', 'subject:Patient._has:Observation:subject:code=8867-4'],
    ['_has and string', 'Patient', '_has:Observation:subject:code=8867-4&family=smith'],
    ['_list', 'Patient', '_list=l1'],
    ['_list and string', 'Patient', '_list=l1&family=smith'],
    ['_total=accurate, one filter', 'Observation', 'category=vital-signs&_total=accurate'],
    [
      '_total=accurate, two filters',
      'Observation',
      'code=http://loinc.org|8867-4&value-quantity=gt100&_total=accurate',
    ],
    ['_total=accurate, no filter', 'Patient', '_total=accurate'],
    ['_summary=count', 'Observation', 'status=final&code=8867-4&_summary=count'],
    ['keyset page (_cursor)', 'Observation', 'code=http://loinc.org|8867-4&_cursor=1'],
  ];

  describe.each([
    ['small result', DRIVER_LIMIT],
    ['large result', 0],
  ])('%s', (_size, driverLimit) => {
    it.each(SEARCHES)('%s: every statement searches an index (EXPLAIN QUERY PLAN)', (feature, resourceType, query) => {
      const plan = { ...service.plan(service.parse(resourceType, query)), driverLimit };
      const statements = statementsOf(db.db, plan);
      expect(statements.length).toBeGreaterThan(1);
      for (const { text, params } of statements) {
        const steps = explain(db.db, { text, params });
        for (const detail of steps.filter((step) => /\b(idx_\w+|resource|resource_version)\b/.test(step)))
          expect(`${detail} in ${text}`).toMatch(INDEX_SEARCH);
        for (const detail of steps.filter(isFullTextStep)) expect(`${detail} in ${text}`).toMatch(FULL_TEXT_MATCH);
        // A probe (a correlated subquery) looks up the rows of the one resource it is given, by its key.
        for (const detail of correlatedSteps(db.db, { text, params }))
          expect(`${detail} in ${text}`).toMatch(/\b(rid|rowid|id|tid)=\?/);
        // Sorted in full, by design: the resources a walk on the first of two sort keys gathered (few), and
        // (docs/fhir.md) those without a first key, by the other keys.
        const sorts = steps.filter((step) => /TEMP B-TREE FOR ORDER BY/.test(step));
        const gathered = text.includes('r.rid IN (SELECT value FROM json_each');
        const withoutFirstKey = feature.includes('two keys') && text.includes('NOT EXISTS');
        if (driverLimit === 0 && !gathered && !withoutFirstKey) expect({ text, sorts }).toEqual({ text, sorts: [] });
      }
    });
  });

  it.each([
    ['below', 'parent'],
    ['above', 'code'],
  ])(
    'F1: token :%s walks the hierarchy one code at a time, by its index on (system, %s) (EXPLAIN QUERY PLAN)',
    (direction, column) => {
      const plan = service.plan(service.parse('Observation', `code:${direction}=http://loinc.org|vitals`));
      const steps = explain(db.db, plan.candidates[0].ridSet).filter((step) => /\bh\b/.test(step));
      // Not `(system=?)` alone: that reads every row of the system at each step of the walk.
      expect(steps).toEqual([
        `SEARCH h USING COVERING INDEX idx_code_parent_${direction === 'below' ? 'down' : 'up'} (system=? AND ${column}=?)`,
      ]);
    },
  );

  it.each([
    ['category=vital-signs', 'token_code_count'],
    ['code=http://loinc.org|8867-4', 'token_count'],
  ])('_total=accurate on %s alone reads its kept count, not the index', (query, table) => {
    const plan = { ...service.plan(service.parse('Observation', `${query}&_total=accurate&_count=0`)), driverLimit: 0 };
    // Counting statements other than the executor's bounded estimates (`LIMIT`).
    const counts = statementsOf(db.db, plan).filter(({ text }) => /count/.test(text) && !/LIMIT/.test(text));
    expect(counts.map(({ text }) => text)).toEqual([expect.stringContaining(`FROM ${table} WHERE`)]);
  });

  it.each(['value-quantity', '-value-quantity'])(
    '_sort=%s on a large result walks the UCUM base-unit index, then the stored values, then those without',
    (key) => {
      const plan = { ...service.plan(service.parse('Observation', `_sort=${key}`)), driverLimit: 0 };
      const walked = statementsOf(db.db, plan).map((statement) => ({
        from: /^SELECT \S+ AS rid, \S+ AS g, \S+ AS v FROM (\w+)/.exec(statement.text)?.[1],
        steps: explain(db.db, statement),
      }));
      expect(walked.filter(({ from }) => from !== undefined)).toEqual([
        {
          from: 'idx_ucum',
          steps: expect.arrayContaining([
            expect.stringMatching(/^SEARCH s USING COVERING INDEX idx_ucum_value \(sp=\?\)$/),
          ]),
        },
        {
          from: 'idx_quantity',
          steps: expect.arrayContaining([
            expect.stringMatching(/^SEARCH s USING COVERING INDEX idx_quantity_value \(sp=\?\)$/),
          ]),
        },
      ]);
      expect(walked.flatMap(({ steps }) => steps).filter((step) => /TEMP B-TREE/.test(step))).toEqual([]);
    },
  );

  it('reads a large result page by page: the page query stops at _count + 1', () => {
    const plan = {
      ...service.plan(service.parse('Observation', 'code=http://loinc.org|8867-4&_count=1')),
      driverLimit: 0,
    };
    const page = statementsOf(db.db, plan).find(({ text }) => text.includes('ORDER BY'))!;
    expect(page.text).toMatch(/LIMIT \?/);
    expect(page.params).toContain(2);
  });
});

/** A step over a virtual table other than `json_each` (bound value lists): the full-text table. */
const isFullTextStep = (step: string) => step.includes('VIRTUAL TABLE') && !step.includes('json_each');
const FULL_TEXT_MATCH = /VIRTUAL TABLE INDEX \d+:\S*M/;
const INDEX_SEARCH = /^SEARCH \S+ (EXISTS )?USING (COVERING INDEX|INDEX|PRIMARY KEY|INTEGER PRIMARY KEY)/;

function explain(db: DatabaseSync, query: { text: string; params: SQLInputValue[] }): string[] {
  return db
    .prepare(`EXPLAIN QUERY PLAN ${query.text}`)
    .all(...query.params)
    .map((row) => String(row.detail));
}

/** The index steps inside correlated subqueries (and flattened EXISTS), from EXPLAIN QUERY PLAN's tree. */
function correlatedSteps(db: DatabaseSync, query: { text: string; params: SQLInputValue[] }): string[] {
  const rows = db
    .prepare(`EXPLAIN QUERY PLAN ${query.text}`)
    .all(...query.params)
    .map((row) => ({ id: Number(row.id), parent: Number(row.parent), detail: String(row.detail) }));
  const correlated = new Set<number>();
  // An uncorrelated subquery inside a correlated one (a token :below's walk) runs once per statement, not per row.
  const once = (detail: string) => /^(LIST|SCALAR) SUBQUERY/.test(detail);
  for (const row of rows)
    if (row.detail.startsWith('CORRELATED') || (correlated.has(row.parent) && !once(row.detail)))
      correlated.add(row.id);
  return rows
    .filter(
      (row) => row.detail.startsWith('SEARCH') && (correlated.has(row.parent) || / EXISTS USING /.test(row.detail)),
    )
    .map((row) => row.detail);
}

/** The statements (text and bound values) a plan runs, recorded through a connection that passes them on. */
function statementsOf(db: DatabaseSync, plan: SearchPlan): { text: string; params: SQLInputValue[] }[] {
  const seen: { text: string; params: SQLInputValue[] }[] = [];
  const recording = new Proxy(db, {
    get(target, property) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (text: string) => {
        const statement = target.prepare(text);
        const run =
          (method: 'all' | 'get' | 'iterate') =>
          (...params: SQLInputValue[]) => {
            seen.push({ text, params });
            return (statement[method] as (...args: SQLInputValue[]) => unknown)(...params);
          };
        return { all: run('all'), get: run('get'), iterate: run('iterate') };
      };
    },
  });
  executePlan(recording, plan, 10_000);
  return seen;
}

describe('the search time budget', () => {
  it('stops a search that outlives it with too-costly, and the next search still runs', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fhir-store-budget-')), 'store.sqlite');
    const store = new StoreDatabase(path);
    store.atomically(() => {
      for (let i = 0; i < 300; i++) {
        const patient = { resourceType: 'Patient', id: `p${i}` } as const;
        store.write(firstVersion(patient));
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
      driverLimit: 0,
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
