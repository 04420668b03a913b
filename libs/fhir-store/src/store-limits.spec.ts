import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, CodeSystem, OperationOutcome } from '@medplum/fhirtypes';
import type { FhirRequest } from '@ehr-gateway/fhir';
import { FhirStore } from './fhir-store';
import { MAX_ALTERNATIVES } from './search/search-query';
import { MAX_HIERARCHY_ROWS } from './search/subsumption';
import { WritePreparer } from './writer/write-preparer';

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

  const batch = (...urls: string[]): FhirRequest => ({
    method: 'POST',
    path: '',
    body: { resourceType: 'Bundle', type: 'batch', entry: urls.map((url) => ({ request: { method: 'GET', url } })) },
  });
  const tooManyRows = {
    code: 'too-costly',
    diagnostics: `Search parameter 'code:below' reads more than ${MAX_HIERARCHY_ROWS} rows of code hierarchies: narrow it`,
  };

  it("F3: a batch's searches run in the search workers, not behind the writer: answered while a large transaction is written", async () => {
    const done: string[] = [];
    const transaction = store
      .request({
        method: 'POST',
        path: '',
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: Array.from({ length: 1000 }, (_, i) => ({
            resource: { resourceType: 'Observation', status: 'final', code: { text: `load ${i}` } },
            request: { method: 'POST', url: 'Observation' },
          })),
        },
      })
      .then((answer) => (done.push('transaction'), answer));
    const searches = store
      .request(batch(`Observation?code:below=${SYSTEM}%7Ctop`, `Observation?code:above=${SYSTEM}%7Cd7`))
      .then((answer) => (done.push('batch'), answer));
    const [written, answer] = await Promise.all([transaction, searches]);
    expect(written.status).toBe(200);
    expect(done).toEqual(['batch', 'transaction']);
    const [refused, found] = (answer.body as Bundle).entry!;
    expect(refused.response).toMatchObject({ status: '400', outcome: { issue: [tooManyRows] } });
    expect(found.response?.status).toBe('200');
    expect(ids(found.resource)).toEqual(['o-d7', 'o-p3', 'o-top']);
  }, 60_000);

  it('F3: a batch mixing searches with other interactions answers each entry in its place', async () => {
    const answer = await store.request(
      batch(`Observation?code:above=${SYSTEM}%7Cp3`, 'Observation/o-top', `Observation?code:below=${SYSTEM}%7Ctop`),
    );
    const [search, read, refused] = (answer.body as Bundle).entry!;
    expect(ids(search.resource)).toEqual(['o-p3', 'o-top']);
    expect(read).toMatchObject({ response: { status: '200' }, resource: { id: 'o-top' } });
    expect(refused.response).toMatchObject({ status: '400', outcome: { issue: [tooManyRows] } });
  });

  it("F3: a transaction's search and a conditional create, run by the writer, keep the search bounds (too-costly)", async () => {
    const answer = await store.request({
      method: 'POST',
      path: '',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ request: { method: 'GET', url: `Observation?code:below=${SYSTEM}%7Ctop` } }],
      },
    });
    expect(answer.status).toBe(400);
    expect(issue(answer.body)?.code).toBe('too-costly');
    const create = await store.request({
      method: 'POST',
      path: 'Observation',
      headers: { 'if-none-exist': `code:below=${SYSTEM}|top` },
      body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
    });
    expect(create).toMatchObject({ status: 400, body: { issue: [tooManyRows] } });
    // The writer is free again: a read by id is served.
    expect((await store.request({ method: 'GET', path: 'Observation/o-top' })).status).toBe(200);
  });

  it('F8: a Bundle over the entry limit is refused before any entry is prepared', async () => {
    const prepare = jest.spyOn(WritePreparer.prototype, 'prepare');
    try {
      const answer = await store.request({
        method: 'POST',
        path: '',
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: Array.from({ length: 1001 }, () => ({
            resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
            request: { method: 'POST', url: 'Observation' },
          })),
        },
      });
      expect(answer).toMatchObject({
        status: 400,
        body: { issue: [{ diagnostics: 'The Bundle has 1001 entries; at most 1000 are allowed' }] },
      });
      expect(prepare).not.toHaveBeenCalled();
    } finally {
      prepare.mockRestore();
    }
  });
});

describe('store limits on search parameters', () => {
  let store: FhirStore;
  beforeAll(async () => {
    store = new FhirStore({ path: ':memory:' });
    await store.request({
      method: 'PUT',
      path: 'Observation/q1',
      body: {
        resourceType: 'Observation',
        id: 'q1',
        status: 'final',
        code: { coding: [{ system: 'urn:test', code: 'c99' }] },
        valueQuantity: { value: 5, system: 'http://unitsofmeasure.org', code: 'mg' },
      },
    });
  });
  afterAll(() => store.close());

  const search = (query: string) => store.request({ method: 'POST', path: 'Observation/_search', body: query });

  it('F5: a parameter with more comma-separated values than the limit is refused with 400 naming it, not its values', async () => {
    const codes = (n: number) => Array.from({ length: n }, (_, i) => `urn:test|c${i}`).join(',');
    const found = await search(`code=${encodeURIComponent(codes(MAX_ALTERNATIVES))}`);
    expect(((found.body as Bundle).entry ?? []).map((entry) => entry.resource?.id)).toEqual(['q1']);
    const refused = await search(`code=${encodeURIComponent(codes(MAX_ALTERNATIVES + 1))}`);
    expect(refused).toMatchObject({
      status: 400,
      body: {
        issue: [{ diagnostics: `Search parameter 'code' takes at most ${MAX_ALTERNATIVES} comma-separated values` }],
      },
    });
    // 9,000 UCUM quantities (each a conversion) are refused before any is parsed.
    const units = Array.from({ length: 9000 }, (_, i) => `5|http://unitsofmeasure.org|mg/${i}`).join(',');
    const quantities = await search(`value-quantity=${encodeURIComponent(units)}`);
    expect(quantities.status).toBe(400);
    expect(issue(quantities.body)?.diagnostics).toBe(
      `Search parameter 'value-quantity' takes at most ${MAX_ALTERNATIVES} comma-separated values`,
    );
  });
});

describe('CodeSystem hierarchies', () => {
  let store: FhirStore;
  const put = (resource: { resourceType: string; id?: string }) =>
    store.request({ method: 'PUT', path: `${resource.resourceType}/${resource.id}`, body: resource });
  const observation = (id: string, code: string) =>
    put({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { coding: [{ system: 'urn:test:labs', code }] },
    } as never);
  const below = async (code: string) =>
    store.request({ method: 'GET', path: `Observation?code:below=urn:test:labs%7C${code}` });

  beforeAll(async () => {
    store = new FhirStore({ path: ':memory:' });
    await observation('bp', 'bp');
    await observation('hiv', 'hiv-test');
  });
  afterAll(() => store.close());

  it('F13: only a complete CodeSystem defines a hierarchy (a fragment says nothing of the codes it leaves out)', async () => {
    const fragment = {
      resourceType: 'CodeSystem',
      id: 'frag',
      url: 'urn:test:labs',
      status: 'active',
      content: 'fragment',
    };
    await put({ ...fragment, concept: [{ code: 'vitals', concept: [{ code: 'hiv-test' }] }] } as never);
    expect(await below('vitals')).toMatchObject({
      status: 400,
      body: { issue: [{ diagnostics: expect.stringContaining("'code:below' names a code system whose hierarchy") }] },
    });
  });

  it('F13: the first CodeSystem stored with a url defines its hierarchy; one stored later with the same url changes nothing', async () => {
    const labs = { resourceType: 'CodeSystem', url: 'urn:test:labs', status: 'active', content: 'complete' };
    await put({
      ...labs,
      id: 'labs',
      concept: [{ code: 'vitals', concept: [{ code: 'bp' }] }, { code: 'hiv-test' }],
    } as never);
    await put({ ...labs, id: 'squatter', concept: [{ code: 'vitals', concept: [{ code: 'hiv-test' }] }] } as never);
    const answer = await below('vitals');
    expect(((answer.body as Bundle).entry ?? []).map((entry) => entry.resource?.id)).toEqual(['bp']);
  });
});
