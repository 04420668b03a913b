import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, CodeSystem, OperationOutcome } from '@medplum/fhirtypes';
import { FhirStore } from './fhir-store';
import { MAX_HIERARCHY_ROWS } from './search/subsumption';

/** Regression tests of the red-team findings on the store's bounds (F1...): each request's work is bounded. */
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'fhir-store-limits-')), 'store.sqlite');

const SYSTEM = 'urn:test:dense';
/** `top` > p0..p59, each > d0..d199: 261 codes, 60 + 60 x 200 = 12,060 hierarchy rows under `top`. */
const dense: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'dense',
  url: SYSTEM,
  status: 'active',
  content: 'complete',
  concept: [
    {
      code: 'top',
      concept: Array.from({ length: 60 }, (_, p) => ({
        code: `p${p}`,
        concept: Array.from({ length: 200 }, (_, d) => ({ code: `d${d}` })),
      })),
    },
  ],
};

const issue = (body: unknown) => (body as OperationOutcome).issue?.[0];

describe('store limits (file store: searches in workers, writes in the writer thread)', () => {
  let store: FhirStore;
  beforeAll(async () => {
    store = new FhirStore({ path: tempFile(), searchBudgetMs: 2000 });
    expect((await store.request({ method: 'PUT', path: 'CodeSystem/dense', body: dense })).status).toBe(201);
    for (const code of ['d7', 'p3', 'top'])
      await store.request({
        method: 'PUT',
        path: `Observation/o-${code}`,
        body: {
          resourceType: 'Observation',
          id: `o-${code}`,
          status: 'final',
          code: { coding: [{ system: SYSTEM, code }] },
        },
      });
  }, 60_000);
  afterAll(() => store.close());

  const ids = (bundle: unknown) => ((bundle as Bundle).entry ?? []).map((entry) => entry.resource?.id).sort();

  it('F1: token :above walks every parent of a code with many parents (R4 3.1.1.5.x: the code and its ancestors)', async () => {
    const answer = await store.request({ method: 'GET', path: `Observation?code:above=${SYSTEM}%7Cd7` });
    expect(answer.status).toBe(200);
    expect(ids(answer.body)).toEqual(['o-d7', 'o-p3', 'o-top']);
  });

  it('F1: token :below reading more hierarchy rows than the bound is refused with too-costly naming the parameter', async () => {
    const answer = await store.request({ method: 'GET', path: `Observation?code:below=${SYSTEM}%7Ctop` });
    expect(answer.status).toBe(400);
    expect(issue(answer.body)).toMatchObject({
      code: 'too-costly',
      diagnostics: `Search parameter 'code:below' reads more than ${MAX_HIERARCHY_ROWS} rows of code hierarchies: narrow it`,
    });
    // Below one of the 60 middle codes: 201 codes, 200 rows read.
    const narrow = await store.request({ method: 'GET', path: `Observation?code:below=${SYSTEM}%7Cp3` });
    expect(ids(narrow.body)).toEqual(['o-d7', 'o-p3']);
  });
});
