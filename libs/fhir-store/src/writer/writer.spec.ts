import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { FhirRequest, FhirResponse } from '@ehr-gateway/fhir';
import { FhirStore } from '../fhir-store';
import { DEFAULT_MAX_BUNDLE_ENTRIES } from '../rules/bundle-rules';
import { StoreDatabase } from '../storage/store-database';
import { StoreEngine } from '../store-engine';

const patient = (family: string, gender = 'female'): BundleEntry => ({
  resource: { resourceType: 'Patient', name: [{ family }], gender: gender as 'female' },
  request: { method: 'POST', url: 'Patient' },
});
const bundle = (type: 'transaction' | 'batch', entry: BundleEntry[]): FhirRequest => ({
  method: 'POST',
  path: '',
  body: { resourceType: 'Bundle', type, entry } satisfies Bundle,
});
const total = (response: FhirResponse) => (response.body as Bundle).total;

describe('the writer thread of a file store', () => {
  let store: FhirStore;
  beforeEach(() => {
    store = new FhirStore({ path: join(mkdtempSync(join(tmpdir(), 'fhir-store-writer-')), 'store.sqlite') });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('runs a transaction of the largest allowed size off the calling thread', async () => {
    // The engine (validation, indexing, SQLite writes) is never called on this thread: the writer thread runs it.
    const onThisThread = jest.spyOn(StoreEngine.prototype, 'handle');
    const entries = Array.from({ length: DEFAULT_MAX_BUNDLE_ENTRIES }, (_, i) => patient(`Largest${i}`));
    const response = await store.request(bundle('transaction', entries));
    expect(response.status).toBe(200);
    const answers = (response.body as Bundle).entry!;
    expect(answers).toHaveLength(DEFAULT_MAX_BUNDLE_ENTRIES);
    expect(answers.every((entry) => entry.response?.status === '201')).toBe(true);
    expect(total(await store.request({ method: 'GET', path: 'Patient?family=largest999&_total=accurate' }))).toBe(1);
    expect(total(await store.request({ method: 'GET', path: 'Patient?_summary=count' }))).toBe(
      DEFAULT_MAX_BUNDLE_ENTRIES,
    );
    expect(onThisThread).not.toHaveBeenCalled();
  }, 120_000);

  it('answers requests sent together each on its own: a failed transaction leaves the others written', async () => {
    const [first, failed, batch, last] = await Promise.all([
      store.request(bundle('transaction', [patient('Alpha'), patient('Beta')])),
      store.request(bundle('transaction', [patient('Gamma'), patient('Delta', 'unknown-gender')])),
      store.request(bundle('batch', [patient('Epsilon'), patient('Zeta', 'unknown-gender')])),
      store.request({ method: 'POST', path: 'Patient', body: { resourceType: 'Patient', name: [{ family: 'Eta' }] } }),
    ]);
    expect([first.status, failed.status, batch.status, last.status]).toEqual([200, 400, 200, 201]);
    expect((batch.body as Bundle).entry!.map((entry) => entry.response?.status)).toEqual(['201', '400']);
    for (const [family, count] of Object.entries({
      alpha: 1,
      beta: 1,
      gamma: 0,
      delta: 0,
      epsilon: 1,
      zeta: 0,
      eta: 1,
    })) {
      expect([family, total(await store.request({ method: 'GET', path: `Patient?family=${family}` }))]).toEqual([
        family,
        count,
      ]);
    }
  }, 120_000);
});

describe('StoreEngine.handleAll (a group commit)', () => {
  it('commits the requests of a group together, each atomic on its own', () => {
    const database = new StoreDatabase(':memory:');
    const engine = new StoreEngine(database, { baseUrl: 'urn:test' });
    const answers = engine.handleAll([
      bundle('transaction', [patient('One'), patient('Two')]),
      bundle('transaction', [patient('Three'), patient('Four', 'unknown-gender')]),
      { method: 'GET', path: 'Patient/missing' },
      bundle('transaction', [patient('Five')]),
    ]);
    expect(answers.map((answer) => (answer as FhirResponse).status)).toEqual([200, 400, 404, 200]);
    const families = database.db
      .prepare("SELECT json_extract(content, '$.name[0].family') AS family FROM resource_version ORDER BY family")
      .all()
      .map((row) => row.family);
    expect(families).toEqual(['Five', 'One', 'Two']);
    database.close();
  });

  it('answers a compartment search inside a batch, narrowed to the patient', () => {
    const database = new StoreDatabase(':memory:');
    const engine = new StoreEngine(database, { baseUrl: 'urn:test' });
    const [created] = engine.handleAll([
      bundle('transaction', [
        { fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001', ...patient('Compartment') },
        patient('Other'),
        ...['urn:uuid:00000000-0000-4000-8000-000000000001', 'Patient/none'].map((reference): BundleEntry => ({
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'pulse' }, subject: { reference } },
          request: { method: 'POST', url: 'Observation' },
        })),
      ]),
    ]);
    const id = (created as FhirResponse & { body: Bundle }).body.entry![0].resource!.id!;
    const [answer] = engine.handleAll([
      bundle('batch', [{ request: { method: 'GET', url: `Patient/${id}/Observation` } }]),
    ]) as (FhirResponse & { body: Bundle })[];
    const entry = answer.body.entry![0];
    expect(entry.response?.status).toBe('200');
    expect((entry.resource as Bundle).entry?.map((match) => match.resource?.resourceType)).toEqual(['Observation']);
    database.close();
  });
});
