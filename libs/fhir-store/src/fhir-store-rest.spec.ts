import type { Bundle, CapabilityStatement, Patient } from '@medplum/fhirtypes';
import { FhirStore } from './fhir-store';

function nextMillisecond(): void {
  const now = Date.now();
  while (Date.now() === now);
}

/** The REST behaviour around search (R4 3.1.0): history, conditional interactions, HEAD, If-None-Match, bounds. */
describe('FhirStore REST interactions', () => {
  let store: FhirStore;
  const get = async (path: string, headers: Record<string, string> = {}) =>
    store.request({ method: 'GET', path, headers });
  const create = async (resource: object) =>
    (await store.request({ method: 'POST', path: 'Patient', body: resource })).body as Patient;

  beforeEach(() => {
    store = new FhirStore({ path: ':memory:' });
  });
  afterEach(async () => store.close());

  it('pages instance, type and system history newest first, with _count, links that end, _since and _at', async () => {
    const patient = await create({ resourceType: 'Patient', name: [{ family: 'One' }] });
    for (const family of ['Two', 'Three']) {
      nextMillisecond(); // versions recorded in distinct milliseconds, so that _at can tell them apart
      await store.request({ method: 'PUT', path: `Patient/${patient.id}`, body: { ...patient, name: [{ family }] } });
    }
    const first = (await get(`Patient/${patient.id}/_history?_count=2`)).body as Bundle;
    expect(first.total).toBe(3);
    expect(first.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['3', '2']);
    const next = first.link?.find((link) => link.relation === 'next')?.url;
    expect(next).toBeDefined();
    const second = (await get(next!.slice(store.baseUrl.length + 1))).body as Bundle;
    expect(second.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['1']);
    expect(second.link?.some((link) => link.relation === 'next')).toBe(false);

    const versionTwo = second.entry && first.entry![1].resource!.meta!.lastUpdated!;
    const since = (await get(`Patient/${patient.id}/_history?_since=${encodeURIComponent(versionTwo!)}`))
      .body as Bundle;
    expect(since.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['3', '2']);
    const at = (await get(`Patient/${patient.id}/_history?_at=${encodeURIComponent(versionTwo!)}`)).body as Bundle;
    expect(at.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['2']);

    await store.request({
      method: 'POST',
      path: 'Observation',
      body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
    });
    expect(((await get('Patient/_history')).body as Bundle).total).toBe(3);
    expect(((await get('_history?_count=1')).body as Bundle).entry?.[0].resource?.resourceType).toBe('Observation');
    expect(((await get('_history')).body as Bundle).total).toBe(4);
    expect((await get('Patient/_history?_since=yesterday')).status).toBe(400);
  });

  it('answers HEAD like GET without a body, and If-None-Match on read and vread with 304', async () => {
    const patient = await create({ resourceType: 'Patient' });
    const head = await store.request({ method: 'HEAD', path: `Patient/${patient.id}` });
    expect(head).toEqual({ status: 200, headers: expect.objectContaining({ etag: 'W/"1"' }) });
    expect((await store.request({ method: 'HEAD', path: 'Patient?_count=1' })).body).toBeUndefined();
    expect((await get(`Patient/${patient.id}/_history/1`, { 'if-none-match': 'W/"1"' })).status).toBe(304);
    expect((await get(`Patient/${patient.id}/_history/1`, { 'if-none-match': 'W/"2"' })).status).toBe(200);
    expect((await get(`Patient/${patient.id}`, { 'if-none-match': 'W/"1"' })).status).toBe(304);
  });

  it('updates conditionally: creates on no match, updates the one match, refuses several (R4 3.1.0.4.3)', async () => {
    const body = { resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value: '1' }], gender: 'male' };
    const created = await store.request({ method: 'PUT', path: 'Patient?identifier=urn:mrn|1', body });
    expect(created.status).toBe(201);
    const id = (created.body as Patient).id;
    const updated = await store.request({
      method: 'PUT',
      path: 'Patient?identifier=urn:mrn|1',
      body: { ...body, gender: 'female' },
    });
    expect(updated).toMatchObject({ status: 200, body: { id, gender: 'female', meta: { versionId: '2' } } });
    const wrongId = await store.request({
      method: 'PUT',
      path: 'Patient?identifier=urn:mrn|1',
      body: { ...body, id: 'other' },
    });
    expect(wrongId.status).toBe(400);
    await create(body);
    expect((await store.request({ method: 'PUT', path: 'Patient?identifier=urn:mrn|1', body })).status).toBe(412);
  });

  it('deletes conditionally every match, and nothing when none matches', async () => {
    for (let i = 0; i < 3; i++) await create({ resourceType: 'Patient', gender: 'other' });
    const kept = await create({ resourceType: 'Patient', gender: 'male' });
    expect((await store.request({ method: 'DELETE', path: 'Patient?gender=other' })).status).toBe(204);
    expect(((await get('Patient?gender=other')).body as Bundle).total).toBe(0);
    expect((await get(`Patient/${kept.id}`)).status).toBe(200);
    expect((await store.request({ method: 'DELETE', path: 'Patient?gender=other' })).status).toBe(204);
  });

  it('refuses a conditional update or delete without criteria (400), and deletes nothing', async () => {
    const kept = await create({ resourceType: 'Patient' });
    const update = await store.request({ method: 'PUT', path: 'Patient', body: { resourceType: 'Patient' } });
    const remove = await store.request({ method: 'DELETE', path: 'Patient' });
    expect([update.status, remove.status]).toEqual([400, 400]);
    expect((await get(`Patient/${kept.id}`)).status).toBe(200);
  });

  it("answers a method the route table lacks with 405, in a batch entry's own response too", async () => {
    expect((await store.request({ method: 'PATCH', path: 'Patient', body: [] })).status).toBe(405);
    expect((await store.request({ method: 'GET', path: '' })).status).toBe(405);
    const batch = await store.request({
      method: 'POST',
      path: '',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { request: { method: 'POST', url: 'Patient/p1' }, resource: { resourceType: 'Patient', id: 'p1' } },
          { request: { method: 'GET', url: 'Patient/_search' } },
          { request: { method: 'GET', url: 'metadata' } },
        ],
      },
    });
    const statuses = (batch.body as Bundle).entry?.map((entry) => entry.response?.status);
    expect(statuses).toEqual(['405', '405', '200']);
  });

  it('bounds sort keys and page size, and refuses or ignores unknown parameters as Prefer asks', async () => {
    await create({ resourceType: 'Patient' });
    const fiveKeys = await get('Patient?_sort=family,given,birthdate,gender,_id');
    expect(fiveKeys.status).toBe(400);
    const big = (await get('Patient?_count=100000')).body as Bundle;
    expect(big.link?.find((link) => link.relation === 'self')?.url).toContain('_count=1000');
    expect((await get('Patient?shoe-size=9')).status).toBe(400);
    const lenient = (await get('Patient?shoe-size=9', { prefer: 'handling=lenient' })).body as Bundle;
    expect(lenient.entry?.map((entry) => entry.search?.mode)).toEqual(['match', 'outcome']);
    const malformed = await get('Patient?birthdate=secret-value');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain("'birthdate'");
    expect(JSON.stringify(malformed.body)).not.toContain('secret-value');
  });

  it('answers a compartment search and $everything with the patient and what its compartment links to it', async () => {
    const patient = await create({ resourceType: 'Patient' });
    const other = await create({ resourceType: 'Patient' });
    for (const subject of [patient.id, other.id]) {
      await store.request({
        method: 'POST',
        path: 'Observation',
        body: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: `Patient/${subject}` },
        },
      });
    }
    const observations = (await get(`Patient/${patient.id}/Observation`)).body as Bundle;
    expect(observations.total).toBe(1);
    const everything = (await get(`Patient/${patient.id}/$everything`)).body as Bundle;
    expect(everything.entry?.map((entry) => entry.resource?.resourceType).sort()).toEqual(['Observation', 'Patient']);
    const restricted = (await store.searchPatientCompartment(other.id!, 'Observation', '')).body as Bundle;
    expect(
      restricted.entry?.map((entry) => (entry.resource as { subject?: { reference?: string } }).subject?.reference),
    ).toEqual([`Patient/${other.id}`]);
  });

  const transaction = (entry: object[]) =>
    store.request({ method: 'POST', path: '', body: { resourceType: 'Bundle', type: 'transaction', entry } });

  it("F12: resolves a reference to a PUT entry's urn:uuid fullUrl in a POST entry, which runs before it (R4 3.1.0.11.2)", async () => {
    const uuid = 'urn:uuid:6f1a3c1e-8a3b-4d53-9f0e-2b8f0a6a7c11';
    const answer = await transaction([
      {
        fullUrl: 'urn:uuid:0b7e4c0d-58c2-4f0e-a0f1-6c3c9b5f2d22',
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'panel' },
          hasMember: [{ reference: uuid }],
        },
        request: { method: 'POST', url: 'Observation' },
      },
      {
        fullUrl: uuid,
        resource: { resourceType: 'Observation', id: 'member', status: 'final', code: { text: 'member' } },
        request: { method: 'PUT', url: 'Observation/member' },
      },
    ]);
    expect(answer.status).toBe(200);
    const location = (answer.body as Bundle).entry![0].response!.location!;
    const panel = await get(location.slice(store.baseUrl.length + 1).replace(/\/_history\/\d+$/, ''));
    expect(panel.body).toMatchObject({ hasMember: [{ reference: 'Observation/member' }] });
  });

  it("F9: a failed transaction entry is named by its index, method and type, never its url's id or query", async () => {
    const answer = await transaction([
      { request: { method: 'GET', url: 'Patient?name=Zebedee' } },
      {
        resource: { resourceType: 'Patient', birthDate: 'not a date' },
        request: { method: 'PUT', url: 'Patient?name=Zebedee&birthdate=1970-01-02' },
      },
    ]);
    expect(answer.status).toBe(400);
    const diagnostics = (answer.body as { issue: { diagnostics: string }[] }).issue[0].diagnostics;
    expect(diagnostics).toMatch(/^Transaction entry 1 \(PUT Patient\) failed: /);
    expect(diagnostics).not.toMatch(/Zebedee|1970/);
  });

  it('lists in its CapabilityStatement what the engine supports', async () => {
    const statement = (await get('metadata')).body as CapabilityStatement;
    const observation = statement.rest?.[0].resource?.find((resource) => resource.type === 'Observation');
    expect(observation).toMatchObject({
      conditionalUpdate: true,
      conditionalDelete: 'multiple',
      conditionalRead: 'not-match',
    });
    expect(observation?.searchParam?.map((param) => param.name)).toEqual(
      expect.arrayContaining(['code', 'code-value-quantity']),
    );
    expect(observation?.searchInclude).toEqual(expect.arrayContaining(['Observation:subject']));
    const patient = statement.rest?.[0].resource?.find((resource) => resource.type === 'Patient');
    expect(patient?.searchRevInclude).toEqual(expect.arrayContaining(['Observation:subject']));
    const location = statement.rest?.[0].resource?.find((resource) => resource.type === 'Location');
    expect(location?.searchParam?.map((param) => param.name)).not.toContain('near');
  });
});
