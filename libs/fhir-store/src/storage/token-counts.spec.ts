import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { FhirStore } from '../fhir-store';

const A = 'http://terminology.hl7.org/CodeSystem/observation-category';
const B = 'urn:example:category';
const LOINC = 'http://loinc.org';

const observation = (id: string, categories: [string, string][], code: string, components: string[] = []) =>
  ({
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: categories.map(([system, value]) => ({ system, code: value })) }],
    code: { coding: [{ system: LOINC, code }] },
    component: components.map((value, i) => ({
      code: { coding: [{ system: LOINC, code: value }] },
      valueQuantity: { value: 100 + i, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    })),
  }) satisfies Observation;

describe('token counts (schema step 4): exact totals after creates, updates and deletes', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'fhir-store-token-counts-')), 'store.sqlite');
  let store: FhirStore;

  beforeAll(() => {
    store = new FhirStore({ path });
  });
  afterAll(() => store.close());

  const put = async (resource: Observation) =>
    expect(
      (await store.request({ method: 'PUT', path: `Observation/${resource.id}`, body: resource })).status,
    ).toBeLessThan(300);

  /** Bundle.total of a search (`_total=accurate`, `_summary=count`, and no `_total` all read the count). */
  async function totals(query: string): Promise<number[]> {
    const forms = [`${query}&_total=accurate&_count=1`, `${query}&_summary=count`, `${query}&_count=1`];
    return Promise.all(
      forms.map(async (form) => ((await store.request({ method: 'GET', path: form })).body as Bundle).total!),
    );
  }

  /** The maintained count itself (so that a fallback to counting the index would not pass unseen). */
  function stored(table: 'token_count' | 'token_code_count', key: string, code: string, system?: string): number {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const bySystem = system === undefined ? '' : ' AND c.system = ?';
      const row = db
        .prepare(`SELECT c.n FROM ${table} c JOIN search_param p USING (sp) WHERE p.key = ? AND c.code = ?${bySystem}`)
        .get(...[key, code, ...(system === undefined ? [] : [system])]);
      return Number(row?.n ?? 0);
    } finally {
      db.close();
    }
  }

  it('counts each resource once per value, whatever its systems, repeated codings and composite groups', async () => {
    await put(observation('o1', [[A, 'vital-signs']], '8867-4'));
    // The same code under two systems: once for `category=vital-signs`, once under each system.
    await put(
      observation(
        'o2',
        [
          [A, 'vital-signs'],
          [B, 'vital-signs'],
        ],
        '8867-4',
      ),
    );
    // Two components with the same code: two composite groups, and the code twice in `component-code`.
    await put(observation('o3', [[A, 'laboratory']], '2339-0', ['8480-6', '8480-6']));

    expect(await totals('Observation?category=vital-signs')).toEqual([2, 2, 2]);
    expect(await totals(`Observation?category=${A}|vital-signs`)).toEqual([2, 2, 2]);
    expect(await totals(`Observation?category=${B}|vital-signs`)).toEqual([1, 1, 1]);
    expect(await totals(`Observation?code=${LOINC}|8867-4`)).toEqual([2, 2, 2]);
    expect(await totals(`Observation?component-code=${LOINC}|8480-6`)).toEqual([1, 1, 1]);
    expect(await totals('Observation?category=nothing-here')).toEqual([0, 0, 0]);
    expect(stored('token_code_count', 'Observation.category', 'vital-signs')).toBe(2);
    expect(stored('token_count', 'Observation.component-code-value-quantity#0', '8480-6', LOINC)).toBe(1);
  }, 60_000);

  it('follows an update that drops a system and a code, and a delete', async () => {
    await put(observation('o2', [[B, 'vital-signs']], '2339-0'));
    expect(await totals('Observation?category=vital-signs')).toEqual([2, 2, 2]);
    expect(await totals(`Observation?category=${A}|vital-signs`)).toEqual([1, 1, 1]);
    expect(await totals(`Observation?category=${B}|vital-signs`)).toEqual([1, 1, 1]);
    expect(await totals(`Observation?code=${LOINC}|8867-4`)).toEqual([1, 1, 1]);
    expect(await totals(`Observation?code=${LOINC}|2339-0`)).toEqual([2, 2, 2]);

    expect((await store.request({ method: 'DELETE', path: 'Observation/o1' })).status).toBeLessThan(300);
    expect(await totals('Observation?category=vital-signs')).toEqual([1, 1, 1]);
    expect(await totals(`Observation?category=${A}|vital-signs`)).toEqual([0, 0, 0]);
    expect(await totals(`Observation?code=${LOINC}|8867-4`)).toEqual([0, 0, 0]);
    expect(stored('token_count', 'Observation.code', '8867-4', LOINC)).toBe(0);
    expect(stored('token_code_count', 'Observation.category', 'vital-signs')).toBe(1);
  }, 60_000);
});
