import { loadFhirDefinitions } from '@ehr-gateway/fhir';
import type { Bundle, Observation, Quantity } from '@medplum/fhirtypes';
import { StoreDatabase } from '../storage/store-database';
import { runWithin } from './plan-runner';
import { DRIVER_LIMIT, SearchPlan } from './search-plan';
import { SearchService } from './search-service';
import { firstVersion } from '../../../../test/support/store-versions';

const BASE = 'urn:test';
const UCUM = 'http://unitsofmeasure.org';
const ucum = (value: number, code: string): Quantity => ({ value, unit: code, system: UCUM, code });

/**
 * `_sort` on quantities, answers written by hand from the rule of docs/fhir.md:
 * values whose UCUM unit converts compare in base units, grouped by those units
 * compared as text (`m-3` for mmol/L, a count per volume, before `m-3.g1` for
 * g/L and mg/dL, a mass per volume); a resource takes the value that comes first
 * in the sort's direction (R4 3.1.1.5.1: the smallest ascending, the largest
 * descending), from its converting values when it has one; then resources with
 * values that do not convert, by the number as stored; then resources without
 * a value; ties in resource order (that of the first key).
 */
const VALUES: [id: string, value?: Quantity][] = [
  ['v01', ucum(150, 'mg/dL')], // 1500 g/m3
  ['v02', ucum(1.6, 'g/L')], // 1600 g/m3: above 150 mg/dL, though 1.6 < 150
  ['v03', ucum(0.9, 'g/L')], // 900 g/m3
  ['v04', ucum(5.5, 'mmol/L')], // a count per volume: its own group, before mass per volume
  ['v05', ucum(7, 'mmol/L')],
  ['v06', ucum(3, '[IU]')], // UCUM, but arbitrary units: no base units, compared as stored
  ['v07', { value: 1, unit: 'bpm' }], // no system
  ['v08', ucum(7.4, '[pH]')], // a decreasing conversion: compared as stored
  ['v09', undefined],
  ['v10', ucum(0.15, 'g/dL')], // 1500 g/m3, as v01: a tie, in resource order
  ['v11', { value: 2, unit: 'h', system: 'urn:test:units', code: 'h' }], // another system: as stored
];

/** Several values each (components), ordered by the smallest ascending and the largest descending. */
const COMPONENTS: [id: string, values: Quantity[]][] = [
  ['c1', [ucum(2, 'g/L'), ucum(50, 'mg/dL')]], // 2000 and 500 g/m3
  ['c2', [ucum(1, 'g/L'), ucum(120, 'mg/dL')]], // 1000 and 1200 g/m3
  ['c3', [ucum(1, 'mmol/L'), ucum(5000, 'mg/dL')]], // m-3 (first ascending) and 50000 g/m3 (first descending)
  ['c4', [ucum(3, '[IU]'), ucum(10, 'mg/dL')]], // 100 g/m3; the [IU] value is not compared with it
  ['c5', [ucum(2, '[IU]'), ucum(4, '[IU]')]], // no value converts: 2 and 4 as stored
  ['c6', [ucum(1, '[IU]'), ucum(9, '[IU]')]], // 1 and 9 as stored
];

const ASCENDING = ['v04', 'v05', 'v03', 'v01', 'v10', 'v02', 'v07', 'v11', 'v06', 'v08', 'v09'];
const DESCENDING = ['v02', 'v10', 'v01', 'v03', 'v05', 'v04', 'v08', 'v06', 'v11', 'v07', 'v09'];

describe.each([
  ['a small result (every match sorted)', DRIVER_LIMIT],
  ['a large result (the sort indexes walked)', 0],
])('_sort on quantities over %s', (_size, driverLimit) => {
  let db: StoreDatabase;
  let service: SearchService;

  beforeAll(() => {
    loadFhirDefinitions();
    db = new StoreDatabase(':memory:');
    const observation = (id: string, code: string, rest: Partial<Observation>): Observation => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { coding: [{ system: 'urn:test:codes', code }] },
      effectiveDateTime: `2025-01-${id.slice(1)}`,
      ...rest,
    });
    db.atomically(() => {
      const resources = [
        ...VALUES.map(([id, value]) => observation(id, 'value', value ? { valueQuantity: value } : {})),
        ...COMPONENTS.map(([id, values]) =>
          observation(id, 'components', {
            component: values.map((valueQuantity) => ({ code: { text: 'part' }, valueQuantity })),
          }),
        ),
      ];
      for (const resource of resources) db.write(firstVersion(resource));
    });
    const run = (plan: SearchPlan) => Promise.resolve(runWithin(db.db, { ...plan, driverLimit }, 10_000));
    service = new SearchService(db, { run, close: async () => {} }, BASE);
  });
  afterAll(() => db.close());

  const ids = async (query: string) =>
    ((await service.search('Observation', query)).entry ?? []).map((entry) => entry.resource!.id!);

  it.each([
    ['value-quantity', ASCENDING],
    ['-value-quantity', DESCENDING],
  ])(
    '_sort=%s: base units within a dimension, dimensions apart, then values as stored, then none',
    async (key, expected) => {
      expect(await ids(`code=value&_sort=${key}`)).toEqual(expected);
    },
  );

  it.each([
    // c3 ascends at 1 mmol/L (the m-3 group) and descends at 5000 mg/dL; c4 and c6 by their smallest, c1 by its largest.
    ['component-value-quantity', ['c3', 'c4', 'c1', 'c2', 'c6', 'c5']],
    ['-component-value-quantity', ['c3', 'c1', 'c2', 'c4', 'c6', 'c5']],
  ])('_sort=%s: a resource with several values sorts by the one that comes first', async (key, expected) => {
    expect(await ids(`code=components&_sort=${key}`)).toEqual(expected);
  });

  it.each([
    // 150 mg/dL (v01) and 0.15 g/dL (v10) tie: the second key orders them, by date (v01 on the 1st, v10 on the 10th).
    ['value-quantity,-date', ['v04', 'v05', 'v03', 'v10', 'v01', 'v02', 'v07', 'v11', 'v06', 'v08', 'v09']],
    ['-value-quantity,date', ['v02', 'v01', 'v10', 'v03', 'v05', 'v04', 'v08', 'v06', 'v11', 'v07', 'v09']],
    ['-date,value-quantity', ['v11', 'v10', 'v09', 'v08', 'v07', 'v06', 'v05', 'v04', 'v03', 'v02', 'v01']],
  ])('_sort=%s: several keys', async (keys, expected) => {
    expect(await ids(`code=value&_sort=${keys}`)).toEqual(expected);
  });

  it.each([
    ['value-quantity', ASCENDING],
    ['-value-quantity', DESCENDING],
  ])('_sort=%s, page by page: every match once, in the order of one page', async (key, expected) => {
    const pages: string[][] = [];
    let next: string | undefined = `code=value&_sort=${key}&_count=3`;
    while (next !== undefined) {
      expect(pages.length).toBeLessThan(expected.length);
      const bundle: Bundle = await service.search('Observation', next);
      pages.push((bundle.entry ?? []).map((entry) => entry.resource!.id!));
      next = bundle.link?.find((link) => link.relation === 'next')?.url?.slice(`${BASE}/Observation?`.length);
    }
    expect(pages.map((page) => page.length)).toEqual([3, 3, 3, 2]);
    expect(pages.flat()).toEqual(expected);
  });
});
