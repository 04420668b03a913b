import { loadFhirDefinitions } from '@ehr-gateway/fhir';
import type { Bundle } from '@medplum/fhirtypes';
import { StoreDatabase } from '../storage/store-database';
import { runWithin } from './plan-runner';
import { DRIVER_LIMIT, SearchPlan } from './search-plan';
import { SearchService } from './search-service';
import { firstVersion } from '../../../../test/support/store-versions';

const BASE = 'urn:test';
const PATIENTS = 25;

/** Paging in the default order follows `_cursor` links (keyset), whichever plan answers the search. */
describe.each([
  ['a small result (a filter drives)', DRIVER_LIMIT],
  ['a large result (a filter streams, or the type is probed)', 0],
])('keyset paging over %s', (_size, driverLimit) => {
  let db: StoreDatabase;
  let service: SearchService;

  beforeAll(() => {
    loadFhirDefinitions();
    db = new StoreDatabase(':memory:');
    db.atomically(() => {
      for (let i = 0; i < PATIENTS; i++) {
        const resource = {
          resourceType: 'Patient' as const,
          id: `p${i}`,
          gender: i % 3 === 0 ? ('female' as const) : ('male' as const),
          name: [{ family: i % 2 === 0 ? 'Smith' : 'Lee' }],
          generalPractitioner: [{ reference: `Practitioner/pr${i % 2}` }],
        };
        db.write(firstVersion(resource));
      }
    });
    // The runner answers with the plan the test chooses the size of.
    const run = (plan: SearchPlan) => Promise.resolve(runWithin(db.db, { ...plan, driverLimit }, 10_000));
    service = new SearchService(db, { run, close: async () => {} }, BASE);
  });
  afterAll(() => db.close());

  async function pages(query: string): Promise<string[][]> {
    const found: string[][] = [];
    let next: string | undefined = query;
    while (next !== undefined) {
      expect(found.length).toBeLessThan(PATIENTS);
      const bundle: Bundle = await service.search('Patient', next);
      found.push((bundle.entry ?? []).map((entry) => entry.resource!.id!));
      const link = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (link !== undefined) expect(link).toContain('_cursor=');
      next = link?.slice(`${BASE}/Patient?`.length);
    }
    return found;
  }

  it.each([
    ['gender=male&_count=4', 16],
    ['general-practitioner=Practitioner/pr1&_count=5', 12],
    ['general-practitioner=Practitioner/pr1&gender=female&_count=2', 4],
    ['family=smith&_count=5', 13],
    ['gender=male&family=lee&_count=3', 8],
    ['_count=7', 25],
  ])('%s: every match once, in pages that end', async (query, expected) => {
    const found = await pages(query);
    const all = found.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(expected);
    expect(found.slice(0, -1).every((page) => page.length === Number(query.split('_count=')[1]))).toBe(true);
  });

  it('refuses a cursor that is not a whole number, naming the parameter', async () => {
    await expect(service.search('Patient', 'gender=male&_cursor=abc')).rejects.toMatchObject({
      status: 400,
      outcome: { issue: [{ diagnostics: expect.stringContaining('_cursor') }] },
    });
  });
});
