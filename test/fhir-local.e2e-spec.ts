import type { INestApplication } from '@nestjs/common';
import { EHREvent, EHREventType } from '@ehr-gateway/events';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { EventLogModule, eventsOf, payloadOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';

type FhirKitClient = import('fhir-kit-client').Client;
type FhirKitResource = import('fhir-kit-client').FhirResource;
/** fhir-kit-client types resources loosely; our fixtures are `@medplum/fhirtypes`. */
const asBody = (resource: object) => resource as FhirKitResource;

const patient: Patient = {
  resourceType: 'Patient',
  identifier: [{ system: 'urn:test:mrn', value: 'T-1' }],
  name: [{ family: 'Okafor', given: ['Ada'] }],
  gender: 'female',
  birthDate: '1961-04-12',
};

describe('FHIR gateway on the embedded store (e2e)', () => {
  let app: INestApplication;
  let client: FhirKitClient;
  let events: () => Promise<EHREvent[]>;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestGateway({}, [EventLogModule]);
    await app.listen(0, '127.0.0.1');
    baseUrl = `${await app.getUrl()}/fhir/local`;
    const { Client } = await import('fhir-kit-client');
    client = new Client({ baseUrl });
    /** The events the last step produced. */
    events = eventsOf(app);
  });
  afterAll(async () => app.close());

  it('runs every interaction through a real FHIR client, one event each', async () => {
    await events();
    const created = (await client.create({ resourceType: 'Patient', body: asBody(patient) })) as unknown as Patient;
    expect(created).toMatchObject({ resourceType: 'Patient', id: expect.any(String), meta: { versionId: '1' } });
    expect(await events()).toEqual([
      expect.objectContaining({
        eventType: 'fhir.create',
        sourceSystem: 'local',
        payload: expect.objectContaining({
          operation: 'create',
          resourceType: 'Patient',
          resourceId: created.id,
          versionId: '1',
          outcome: 'success',
          status: 201,
        }),
      }),
    ]);

    const read = (await client.read({ resourceType: 'Patient', id: created.id! })) as unknown as Patient;
    expect(read.name?.[0].family).toBe('Okafor');
    expect((await events()).map((e) => [e.eventType, e.payload.operation])).toEqual([['fhir.read', 'read']]);

    const updated = (await client.update({
      resourceType: 'Patient',
      id: created.id!,
      body: asBody({ ...read, gender: 'other' }),
    })) as unknown as Patient;
    expect(updated.meta?.versionId).toBe('2');
    expect((await events()).map((e) => [e.eventType, e.payload.operation, payloadOf(e).versionId])).toEqual([
      ['fhir.update', 'update', '2'],
    ]);

    const patched = (await client.patch({
      resourceType: 'Patient',
      id: created.id!,
      jsonPatch: [{ op: 'replace', path: '/birthDate', value: '1961-04-13' }],
    })) as unknown as Patient;
    expect(patched).toMatchObject({ birthDate: '1961-04-13', meta: { versionId: '3' } });
    expect((await events()).map((e) => [e.eventType, e.payload.operation])).toEqual([['fhir.update', 'patch']]);

    const v1 = (await client.vread({ resourceType: 'Patient', id: created.id!, version: '1' })) as unknown as Patient;
    expect(v1.gender).toBe('female');
    expect((await events()).map((e) => [e.eventType, e.payload.operation, payloadOf(e).versionId])).toEqual([
      ['fhir.read', 'vread', '1'],
    ]);

    const history = (await client.history({ resourceType: 'Patient', id: created.id! })) as unknown as Bundle;
    expect(history).toMatchObject({ type: 'history', total: 3 });
    expect((await events()).map((e) => [e.eventType, e.payload.operation])).toEqual([['fhir.read', 'history']]);

    const found = (await client.search({
      resourceType: 'Patient',
      searchParams: { family: 'okafor' },
    })) as unknown as Bundle;
    expect(found.total).toBe(1);
    const [searchEvent] = await events();
    expect(searchEvent).toMatchObject({
      eventType: 'fhir.search',
      payload: { operation: 'search', resultCount: 1, resourceType: 'Patient' },
    });

    await client.delete({ resourceType: 'Patient', id: created.id! });
    expect((await events()).map((e) => [e.eventType, e.payload.status])).toEqual([['fhir.delete', 204]]);
    await expect(client.read({ resourceType: 'Patient', id: created.id! })).rejects.toMatchObject({
      response: { status: 410 },
    });
    expect((await events()).map((e) => [e.eventType, e.payload.outcome, e.payload.status])).toEqual([
      ['fhir.read', 'failure', 410],
    ]);

    const capabilities = (await client.capabilityStatement()) as { resourceType: string; fhirVersion: string };
    expect(capabilities).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect(await events()).toEqual([]);
  });

  it('runs a transaction atomically with urn:uuid references, one event per entry', async () => {
    await events();
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',
          resource: { ...patient, identifier: [{ system: 'urn:test:mrn', value: 'T-2' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: 'urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059',
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
            subject: { reference: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a' },
            valueQuantity: { value: 72, unit: '/min' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const response = (await client.transaction({ body: asBody(bundle) })) as unknown as Bundle;
    expect(response.type).toBe('transaction-response');
    expect(response.entry?.map((entry) => entry.response?.status)).toEqual(['201', '201']);
    const observation = response.entry![1].resource as Observation;
    const patientId = response.entry![0].resource!.id;
    expect(observation.subject?.reference).toBe(`Patient/${patientId}`);
    expect(response.entry![0].response?.location).toMatch(new RegExp(`^${baseUrl}/Patient/${patientId}/_history/1$`));

    const recorded = await events();
    expect(recorded.map((e) => [e.eventType, payloadOf(e).resourceType, e.payload.status])).toEqual([
      ['fhir.create', 'Patient', 201],
      ['fhir.create', 'Observation', 201],
    ]);

    const byPatient = (await client.search({
      resourceType: 'Observation',
      searchParams: { patient: `Patient/${patientId}`, code: 'http://loinc.org|8867-4' },
    })) as unknown as Bundle;
    expect(byPatient.total).toBe(1);
    await events();

    const failing: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { ...patient, identifier: [{ system: 'urn:test:mrn', value: 'T-3' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { resourceType: 'Patient', birthDate: 'not-a-date' },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    };
    const refused = await request(app.getHttpServer())
      .post('/fhir/local')
      .set('Content-Type', 'application/fhir+json')
      .send(failing);
    expect(refused.status).toBe(400);
    expect(refused.body.issue[0].diagnostics).toMatch(/Transaction entry 1 .* failed: .*birthDate/);
    const afterFailure = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: 'urn:test:mrn|T-3' },
    })) as unknown as Bundle;
    expect(afterFailure.total).toBe(0);
    expect((await events()).map((e) => [e.eventType, e.payload.outcome])).toEqual([
      ['fhir.create', 'failure'],
      ['fhir.create', 'failure'],
      ['fhir.search', 'success'],
    ]);
  });

  it('pages searches with total and next links that point at the gateway', async () => {
    const first = (await client.search({
      resourceType: 'Observation',
      searchParams: { _count: 5, _sort: '-_lastUpdated' },
    })) as unknown as Bundle;
    expect(first.entry).toHaveLength(5);
    expect(first.total).toBeGreaterThan(5);
    const next = first.link?.find((link) => link.relation === 'next')?.url;
    expect(next).toMatch(new RegExp(`^${baseUrl}/Observation\\?`));
    const second = (await client.nextPage({
      bundle: asBody(first) as FhirKitResource & { link: Array<{ relation: string; url: string }> },
    })) as unknown as Bundle;
    expect(second.entry).toHaveLength(5);
    const ids = new Set([...first.entry!, ...second.entry!].map((entry) => entry.resource!.id));
    expect(ids.size).toBe(10);
  });

  it('follows next links from code, one event per page', async () => {
    await events();
    const gateway = app.get(FhirGateway);
    const total = (await gateway.search('Observation', { _count: 1000 })).total!;
    await events();
    const all = await gateway.search('Observation', { _count: 4 }, { followNext: true, maxPages: 100 });
    expect(all.entry).toHaveLength(total);
    const pages = Math.ceil(total / 4);
    expect((await events()).filter((e) => e.eventType === EHREventType.FHIR_SEARCH)).toHaveLength(pages);
  });

  it('makes a code read and an HTTP read each produce exactly one event', async () => {
    const gateway = app.get(FhirGateway);
    const [first] = (await gateway.search<Patient>('Patient', { _count: 1 })).entry!;
    await events();
    await gateway.read('Patient', first.resource!.id!);
    expect((await events()).map((e) => e.eventType)).toEqual(['fhir.read']);
    await request(app.getHttpServer()).get(`/fhir/local/Patient/${first.resource!.id}`).expect(200);
    expect((await events()).map((e) => e.eventType)).toEqual(['fhir.read']);
  });

  it('enforces If-Match and conditional create, with ETag and Location headers', async () => {
    const server = app.getHttpServer();
    const created = await request(server)
      .post('/fhir/local/Patient')
      .set('Content-Type', 'application/fhir+json')
      .set('If-None-Exist', 'identifier=urn:test:mrn|T-9')
      .send({ ...patient, identifier: [{ system: 'urn:test:mrn', value: 'T-9' }] })
      .expect(201);
    expect(created.headers.etag).toBe('W/"1"');
    expect(created.headers.location).toMatch(/\/fhir\/local\/Patient\/[\w-]+\/_history\/1$/);
    expect(created.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const again = await request(server)
      .post('/fhir/local/Patient')
      .set('Content-Type', 'application/fhir+json')
      .set('If-None-Exist', 'identifier=urn:test:mrn|T-9')
      .send({ ...patient, identifier: [{ system: 'urn:test:mrn', value: 'T-9' }] })
      .expect(200);
    expect(again.body.id).toBe(created.body.id);

    const id = created.body.id as string;
    await request(server)
      .put(`/fhir/local/Patient/${id}`)
      .set('If-Match', 'W/"1"')
      .send({ ...created.body, gender: 'male' })
      .expect(200);
    const conflict = await request(server)
      .put(`/fhir/local/Patient/${id}`)
      .set('If-Match', 'W/"1"')
      .send({ ...created.body, gender: 'unknown' })
      .expect(412);
    expect(conflict.body.issue[0].diagnostics).toMatch(/If-Match W\/"1" does not match the current version \(W\/"2"\)/);
    const notModified = await request(server).get(`/fhir/local/Patient/${id}`).set('If-None-Match', 'W/"2"');
    expect(notModified.status).toBe(304);
  });

  it('serves the gateway CapabilityStatement and source status', async () => {
    const metadata = await request(app.getHttpServer()).get('/fhir/metadata').expect(200);
    expect(metadata.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect(metadata.body.rest[0].documentation).toMatch(/local \(default\)/);
    const status = await request(app.getHttpServer()).get('/fhir/status').expect(200);
    expect(status.body).toEqual({
      defaultSource: 'local',
      sources: { local: { reachable: true, auth: 'none', default: true } },
    });
  });

  describe('bad input', () => {
    const expectOutcome = (body: { resourceType: string; issue: Array<{ diagnostics: string }> }, pattern: RegExp) => {
      expect(body.resourceType).toBe('OperationOutcome');
      expect(body.issue[0].diagnostics).toMatch(pattern);
    };

    it('answers malformed JSON with a 400 OperationOutcome', async () => {
      const response = await request(app.getHttpServer())
        .post('/fhir/local/Patient')
        .set('Content-Type', 'application/fhir+json')
        .send('{"resourceType": "Patient",');
      expect(response.status).toBe(400);
      expectOutcome(response.body, /Malformed JSON body/);
    });

    it('answers a Bundle whose entry is null (F11) with the store’s 400 naming the entry, and records no entry event', async () => {
      await events();
      for (const type of ['batch', 'transaction']) {
        const response = await request(app.getHttpServer())
          .post('/fhir/local')
          .send({ resourceType: 'Bundle', type, entry: [null, { request: { method: 'GET', url: 5 } }] });
        expect(response.status).toBe(400);
        expect(response.body.issue[0].expression).toEqual(['Bundle.entry[0].request']);
      }
      expect(await events()).toEqual([]);
    });

    it('refuses a resource of the wrong type for the URL', async () => {
      const response = await request(app.getHttpServer())
        .post('/fhir/local/Patient')
        .send({ resourceType: 'Observation', status: 'final' });
      expect(response.status).toBe(400);
      expectOutcome(response.body, /^The body's resourceType does not match the URL's type$/);
    });

    it('refuses an invalid resource, naming the element', async () => {
      const response = await request(app.getHttpServer())
        .post('/fhir/local/Patient')
        .send({ resourceType: 'Patient', birthDate: '12/04/1961' });
      expect(response.status).toBe(400);
      expectOutcome(response.body, /birthDate/);
    });

    it('answers an unknown source or resource type with a 404 OperationOutcome', async () => {
      await events();
      expectOutcome(
        (await request(app.getHttpServer()).get('/fhir/nowhere/Patient/1').expect(404)).body,
        /^Unknown FHIR source$/,
      );
      expectOutcome(
        (await request(app.getHttpServer()).get('/fhir/local/Patinet/1').expect(404)).body,
        /^Unknown resource type$/,
      );
      expectOutcome(
        (await request(app.getHttpServer()).get('/fhir/local/Patient/does-not-exist').expect(404)).body,
        /Patient\/does-not-exist not found/,
      );
      const failures = (await events()).map((e) => [
        e.sourceSystem,
        payloadOf(e).resourceType,
        e.payload.outcome,
        e.payload.status,
      ]);
      expect(failures).toEqual([
        // A name no source has is never recorded: it could be anything the caller typed.
        ['unknown', 'Patient', 'failure', 404],
        ['local', 'Patinet', 'failure', 404],
        ['local', 'Patient', 'failure', 404],
      ]);
    });

    it('refuses unknown search parameters, invalid ids and unsupported formats', async () => {
      expectOutcome(
        (await request(app.getHttpServer()).get('/fhir/local/Patient?shoe-size=9').expect(400)).body,
        /Unknown search parameter 'shoe-size'/,
      );
      expectOutcome(
        (await request(app.getHttpServer()).get('/fhir/local/Patient/bad$id').expect(400)).body,
        /not a valid FHIR id/,
      );
      expectOutcome(
        (await request(app.getHttpServer()).get('/fhir/local/Patient?_format=xml').expect(406)).body,
        /_format 'xml'/,
      );
      const xml = await request(app.getHttpServer())
        .post('/fhir/local/Patient')
        .set('Content-Type', 'application/fhir+xml')
        .send('<Patient/>');
      expect(xml.status).toBe(415);
      expectOutcome(xml.body, /Content-Type 'application\/fhir\+xml' is not supported/);
    });

    it('refuses an oversized body with a 413 OperationOutcome', async () => {
      const huge = {
        resourceType: 'Patient',
        text: { status: 'generated', div: `<div>${'x'.repeat(2 * 1024 * 1024)}</div>` },
      };
      const response = await request(app.getHttpServer()).post('/fhir/local/Patient').send(huge);
      expect(response.status).toBe(413);
      expectOutcome(response.body, /exceeds the size limit/);
    });
  });
});
