import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Bundle, Condition, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { FhirGateway } from '@ehr-gateway/fhir';
import { bundleIds as ids, followPages, observationOf, seededPatients } from './support/authorization-fixtures';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const AUDIENCE = 'https://gateway.example.org/fhir';

/** Every resource an answer carries: the body, a Bundle's entries, the entries of Bundles inside it. */
function resourcesIn(body: unknown): Resource[] {
  const resource = body as Resource | undefined;
  if (!resource || typeof resource.resourceType !== 'string' || resource.resourceType === 'OperationOutcome') return [];
  if (resource.resourceType !== 'Bundle') return [resource];
  return (resource.entry ?? []).flatMap((entry) => [
    ...resourcesIn(entry.resource),
    ...resourcesIn(entry.response?.outcome),
  ]);
}

describe('SMART enforcement on every route of the embedded store (/fhir/local), tokens from oidc-provider', () => {
  let authServer: SmartAuthorizationServer;
  let app: INestApplication;
  let fhir: FhirGateway;
  let alice: string;
  let bob: string;
  let observationsOf: Map<string, Observation[]>;

  const http = () => request(app.getHttpServer());
  /** The oracle of the seeded data: a patient's own resources name it as `subject` (or `patient`, allergies). */
  const own = (id: string) => (resource: Resource) => {
    if (resource.resourceType === 'Patient') return resource.id === id;
    const { subject, patient } = resource as { subject?: { reference?: string }; patient?: { reference?: string } };
    return (subject ?? patient)?.reference === `Patient/${id}`;
  };

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    app = await createTestGateway(authServer.gatewayEnv());
    fhir = app.get(FhirGateway);
    ({ alice, bob, observationsOf } = await seededPatients(app));
  });

  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
  });

  describe('done when: patient/Observation.rs for one patient reads that patient’s observations and nothing else, by any route', () => {
    let token: string;
    /** Every resource any route answered with. */
    const returned: Resource[] = [];
    const get = async (path: string) => {
      const response = await http().get(path).auth(token, { type: 'bearer' });
      returned.push(...resourcesIn(response.body));
      return response;
    };
    const post = async (path: string, body: object, type = 'application/fhir+json') => {
      const response = await http().post(path).auth(token, { type: 'bearer' }).type(type).send(body);
      returned.push(...resourcesIn(response.body));
      return response;
    };
    const aliceObservation = () => observationsOf.get(alice)![0];
    const bobObservation = () => observationsOf.get(bob)![0];

    beforeAll(async () => {
      token = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', alice);
    });

    it('reads and vreads: its patient’s observations only', async () => {
      expect((await get(`/fhir/local/Observation/${aliceObservation().id}`)).status).toBe(200);
      expect((await get(`/fhir/local/Observation/${aliceObservation().id}/_history/1`)).status).toBe(200);
      expect((await get(`/fhir/local/Observation/${bobObservation().id}`)).status).toBe(403);
      expect((await get(`/fhir/local/Observation/${bobObservation().id}/_history/1`)).status).toBe(403);
      expect((await get(`/fhir/local/Patient/${alice}`)).status).toBe(403);
      expect((await get(`/fhir/local/Patient/${bob}`)).status).toBe(403);
    });

    it('searches, every page, chained, by POST, with _include, _revinclude and _has', async () => {
      const bobsPatient = await fhir.read<Patient>('Patient', bob);
      const pages = await followPages(app, '/fhir/local/Observation?_count=2', token, (response) => {
        expect(response.status).toBe(200);
        returned.push(...resourcesIn(response.body));
        for (const link of (response.body as Bundle).link ?? []) {
          // The store names the compartment by `subject`, the parameter the narrowing's `patient` stands for.
          expect(new Set(new URL(link.url).searchParams.getAll('subject'))).toEqual(new Set([`Patient/${alice}`]));
        }
      });
      expect(pages.flatMap(ids).sort()).toEqual(
        observationsOf
          .get(alice)!
          .map((o) => `Observation/${o.id}`)
          .sort(),
      );
      for (const path of [
        `/fhir/local/Observation?patient=${bob}`,
        `/fhir/local/Observation?subject=Patient/${bob}`,
        `/fhir/local/Observation?_id=${bobObservation().id}`,
        '/fhir/local/Observation?_include=Observation:subject&_include=Observation:encounter',
        '/fhir/local/Observation?_include=*&_revinclude=*',
      ]) {
        const response = await get(path);
        expect([200, 400]).toContain(response.status);
      }
      // Chains and _has match on resources outside the compartment: refused.
      for (const path of [
        `/fhir/local/Observation?subject.family=${bobsPatient.name![0].family}&subject.given=${bobsPatient.name![0].given![0]}`,
        `/fhir/local/Observation?_has:Observation:has-member:status=final`,
      ]) {
        expect((await get(path)).status).toBe(403);
      }
      expect((await post('/fhir/local/Observation/_search', { patient: bob }, 'form')).status).toBe(200);
      expect((await get(`/fhir/local/Patient?_revinclude=Observation:subject`)).status).toBe(403);
      expect((await get(`/fhir/local/Encounter?patient=${alice}`)).status).toBe(403);
    });

    it('compartment searches and $everything', async () => {
      const ownCompartment = await get(`/fhir/local/Patient/${alice}/Observation?_count=500`);
      expect(ownCompartment.status).toBe(200);
      expect(ids(ownCompartment.body).length).toBe(observationsOf.get(alice)!.length);
      // Every type of its own compartment: the observations only (_type narrowed to the type it may search).
      const everyType = await get(`/fhir/local/Patient/${alice}/*?_count=500`);
      expect(everyType.status).toBe(200);
      expect(ids(everyType.body)).toEqual(
        expect.arrayContaining(observationsOf.get(alice)!.map((o) => `Observation/${o.id}`)),
      );
      for (const path of [
        `/fhir/local/Patient/${bob}/Observation`,
        `/fhir/local/Patient/${bob}/*`,
        `/fhir/local/Patient/${alice}/*?_type=Condition`,
        `/fhir/local/Patient/${alice}/Condition`,
        `/fhir/local/Patient/${alice}/$everything`,
        `/fhir/local/Patient/${bob}/$everything`,
      ]) {
        expect([403, 404]).toContain((await get(path)).status);
      }
    });

    it('history: of its observation, of the type; none of another’s, nor of the system', async () => {
      const instance = await get(`/fhir/local/Observation/${aliceObservation().id}/_history`);
      expect(instance.status).toBe(200);
      expect(ids(instance.body)).toContain(`Observation/${aliceObservation().id}`);
      const others = await get(`/fhir/local/Observation/${bobObservation().id}/_history`);
      expect(others.status).toBe(200);
      expect(others.body.entry ?? []).toEqual([]);
      const type = await get('/fhir/local/Observation/_history?_count=50');
      expect(type.status).toBe(200);
      expect(type.body.total).toBeUndefined();
      expect((await get('/fhir/local/_history')).status).toBe(403);
      expect((await get('/fhir/local/Patient/_history')).status).toBe(403);
    });

    it('batches and transactions of reads: each entry checked', async () => {
      const batch = await post('/fhir/local', {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { request: { method: 'GET', url: `Observation/${aliceObservation().id}` } },
          { request: { method: 'GET', url: `Observation/${bobObservation().id}` } },
          { request: { method: 'GET', url: `Patient/${bob}` } },
          { request: { method: 'GET', url: `Observation?patient=${bob}` } },
          { request: { method: 'GET', url: `Patient/${bob}/Observation` } },
          { request: { method: 'GET', url: `Observation/${bobObservation().id}/_history` } },
          { request: { method: 'GET', url: `Patient/${bob}/$everything` } },
        ],
      });
      expect(batch.status).toBe(200);
      const statuses = batch.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3));
      // Another patient's compartment is refused, of one type as of every type.
      expect(statuses).toEqual(['200', '403', '403', '200', '403', '200', '403']);
      const transaction = await post('/fhir/local', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ request: { method: 'GET', url: `Patient/${bob}` } }],
      });
      expect(transaction.status).toBe(403);
    });

    it('no write, no GraphQL, no custom handler, no operational route', async () => {
      const writes = [
        http()
          .post('/fhir/local/Observation')
          .send({ ...aliceObservation(), id: undefined }),
        http().put(`/fhir/local/Observation/${aliceObservation().id}`).send(aliceObservation()),
        http()
          .patch(`/fhir/local/Observation/${aliceObservation().id}`)
          .type('application/json-patch+json')
          .send([{ op: 'replace', path: '/status', value: 'amended' }]),
        http().delete(`/fhir/local/Observation/${aliceObservation().id}`),
      ];
      for (const write of writes) expect((await write.auth(token, { type: 'bearer' })).status).toBe(403);
      expect([400, 404, 405]).toContain(
        (await post('/fhir/local/$graphql', { query: '{ PatientList { id } }' })).status,
      );
      expect((await get(`/fhir/transform/Patient/${bob}?source=local`)).status).toBeGreaterThanOrEqual(400);
      expect((await get(`/fhir/aggregate/Observation?patient=${bob}`)).status).toBeGreaterThanOrEqual(400);
      for (const path of ['/events/stream', '/events/status', '/metrics', '/fhir/status', '/docs-json']) {
        expect([403, 404]).toContain((await get(path)).status);
      }
    });

    it('answered, by all those routes, only that patient’s observations', () => {
      // The oracle: whatever any route answered, only the patient's own observations.
      const foreign = returned.filter((r) => r.resourceType !== 'Observation' || !own(alice)(r));
      expect(foreign.map((r) => r.resourceType)).toEqual([]);
      expect(returned.length).toBeGreaterThan(0);
    });
  });

  describe('the embedded store with patient/*.rs: includes, chains, compartments, $everything, history', () => {
    let token: string;
    const allOwn = (bundle: Bundle) => resourcesIn(bundle).every(own(alice));

    beforeAll(async () => {
      token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
    });

    it('_include brings the patient and its encounters, _revinclude its observations only', async () => {
      const included = await http()
        .get('/fhir/local/Observation?_include=Observation:subject&_include=Observation:encounter&_count=500')
        .auth(token, { type: 'bearer' });
      expect(included.status).toBe(200);
      const types = new Set(resourcesIn(included.body).map((r) => r.resourceType));
      expect(types).toEqual(new Set(['Observation', 'Patient', 'Encounter']));
      expect(ids(included.body)).toContain(`Patient/${alice}`);
      expect(ids(included.body)).not.toContain(`Patient/${bob}`);
      const encounters = resourcesIn(included.body).filter((r) => r.resourceType === 'Encounter');
      expect(encounters.every(own(alice))).toBe(true);

      const revincluded = await http()
        .get(`/fhir/local/Patient?_revinclude=Observation:subject&_count=500`)
        .auth(token, { type: 'bearer' });
      expect(revincluded.status).toBe(200);
      expect(allOwn(revincluded.body)).toBe(true);
      expect(ids(revincluded.body).filter((id) => id.startsWith('Observation/')).length).toBe(
        observationsOf.get(alice)!.length,
      );
    });

    it('a chained search is refused, over another patient as over its own (the answer would tell about others)', async () => {
      for (const id of [bob, alice]) {
        const chained = await http()
          .get(`/fhir/local/Condition?subject:Patient._id=${id}`)
          .auth(token, { type: 'bearer' });
        expect(chained.status).toBe(403);
        expect(chained.body.issue[0].diagnostics).toContain("chained parameter 'subject:Patient._id'");
      }
    });

    it('compartment routes: its own compartment, and nothing of another’s', async () => {
      const mine = await http().get(`/fhir/local/Patient/${alice}/Condition`).auth(token, { type: 'bearer' });
      expect(mine.status).toBe(200);
      expect(allOwn(mine.body)).toBe(true);
      const other = await http().get(`/fhir/local/Patient/${bob}/Condition`).auth(token, { type: 'bearer' });
      expect(other.status).toBe(403);
      const everyType = await http().get(`/fhir/local/Patient/${alice}/*?_count=500`).auth(token, { type: 'bearer' });
      expect(everyType.status).toBe(200);
      expect(allOwn(everyType.body)).toBe(true);
      expect(ids(everyType.body)).toContain(`Patient/${alice}`);
    });

    it('$everything of its patient, every page; another patient’s is refused', async () => {
      const pages = await followPages(app, `/fhir/local/Patient/${alice}/$everything?_count=5`, token, (response) =>
        expect(response.status).toBe(200),
      );
      expect(pages.length).toBeGreaterThan(1);
      const everything = pages.flatMap(resourcesIn);
      expect(everything.every(own(alice))).toBe(true);
      expect(everything.map((r) => `${r.resourceType}/${r.id}`)).toEqual(
        expect.arrayContaining([`Patient/${alice}`, ...observationsOf.get(alice)!.map((o) => `Observation/${o.id}`)]),
      );
      const other = await http().get(`/fhir/local/Patient/${bob}/$everything`).auth(token, { type: 'bearer' });
      expect(other.status).toBe(403);
    });

    it('type and instance history hide another patient’s versions, deleted ones included; system history is refused', async () => {
      // Another patient's condition changed and deleted, by the gateway's own code.
      const [bobsCondition] = (await fhir.search<Condition>('Condition', { subject: `Patient/${bob}` })).entry!.map(
        (entry) => entry.resource!,
      );
      await fhir.update({ ...bobsCondition, clinicalStatus: { text: 'resolved' } });
      await fhir.delete('Condition', bobsCondition.id!);
      const history = await http().get('/fhir/local/Condition/_history?_count=500').auth(token, { type: 'bearer' });
      expect(history.status).toBe(200);
      expect(history.body.total).toBeUndefined();
      expect(allOwn(history.body)).toBe(true);
      expect(history.body.entry.length).toBeGreaterThan(0);
      expect(JSON.stringify(history.body)).not.toContain(bobsCondition.id);
      const instance = await http()
        .get(`/fhir/local/Condition/${bobsCondition.id}/_history`)
        .auth(token, { type: 'bearer' });
      expect(instance.body.entry ?? []).toEqual([]);
      await http().get('/fhir/local/_history').auth(token, { type: 'bearer' }).expect(403);

      // A backend service reaching every type sees the deleted version.
      const backend = await authServer.clientCredentialsToken('system/*.rs');
      const all = await http()
        .get(`/fhir/local/Condition/${bobsCondition.id}/_history`)
        .auth(backend, { type: 'bearer' });
      expect(all.body.entry.map((e: { request: { method: string } }) => e.request.method)).toContain('DELETE');
    });
  });

  describe('writes that would leave the compartment (patient/Observation.cruds)', () => {
    let writer: string;
    const observation = observationOf;

    beforeAll(async () => {
      writer = await authServer.authorizationCodeToken('launch/patient patient/Observation.cruds', alice);
    });

    it('a PATCH that moves a resource to another patient is refused, nothing stored; one that stays is applied', async () => {
      // Created by the gateway's own code (writes over HTTP are covered in authorization.e2e-spec.ts).
      const id = (await fhir.create(observation(alice))).id!;
      const moved = await http()
        .patch(`/fhir/local/Observation/${id}`)
        .auth(writer, { type: 'bearer' })
        .type('application/json-patch+json')
        .send([{ op: 'replace', path: '/subject/reference', value: `Patient/${bob}` }]);
      expect(moved.status).toBe(403);
      expect(moved.body.issue[0].diagnostics).toContain('patched Observation outside the patient compartment');
      expect(await fhir.read<Observation>('Observation', id)).toMatchObject({
        subject: { reference: `Patient/${alice}` },
        meta: { versionId: '1' },
      });
      const removed = await http()
        .patch(`/fhir/local/Observation/${id}`)
        .auth(writer, { type: 'bearer' })
        .type('application/json-patch+json')
        .send([{ op: 'remove', path: '/subject' }]);
      expect(removed.status).toBe(403);
      const amended = await http()
        .patch(`/fhir/local/Observation/${id}`)
        .auth(writer, { type: 'bearer' })
        .type('application/json-patch+json')
        .send([{ op: 'replace', path: '/status', value: 'amended' }]);
      expect(amended.status).toBe(200);
      expect(amended.body).toMatchObject({ status: 'amended', subject: { reference: `Patient/${alice}` } });
    });

    it('conditional update, delete and create select only inside the compartment', async () => {
      const system = 'urn:test:conditional';
      const bobs = await fhir.create(observation(bob, { identifier: [{ system, value: 'bobs' }] }));
      // A conditional update naming bob's observation: no match inside the compartment, so a new one is created.
      const updated = await http()
        .put(`/fhir/local/Observation?identifier=${system}|bobs`)
        .auth(writer, { type: 'bearer' })
        .send(observation(alice, { identifier: [{ system, value: 'bobs' }] }));
      expect(updated.status).toBe(201);
      expect(updated.body.id).not.toBe(bobs.id);
      // Moving bob's observation by a conditional update with bob's subject is refused outright.
      await http()
        .put(`/fhir/local/Observation?identifier=${system}|bobs`)
        .auth(writer, { type: 'bearer' })
        .send(observation(bob, { identifier: [{ system, value: 'bobs' }] }))
        .expect(403);
      // A conditional create whose If-None-Exist matches bob's observation does not answer with it.
      const created = await http()
        .post('/fhir/local/Observation')
        .auth(writer, { type: 'bearer' })
        .set('If-None-Exist', `_id=${bobs.id}`)
        .send(observation(alice));
      expect(created.status).toBe(201);
      expect(created.body.id).not.toBe(bobs.id);
      // A conditional delete does not reach it either.
      const deleted = await http().delete(`/fhir/local/Observation?_id=${bobs.id}`).auth(writer, { type: 'bearer' });
      expect(deleted.status).toBeLessThan(300);
      expect(await fhir.read<Observation>('Observation', bobs.id!)).toMatchObject({
        subject: { reference: `Patient/${bob}` },
      });
    });
  });

  describe('routes that are no FHIR interaction, with GATEWAY_AUTH=smart only', () => {
    const routes = ['/events/status', '/metrics', '/fhir/status', '/docs-json', '/cds-services'];

    it('refuse a request without a token (401) and a token without the operations scope (403)', async () => {
      const patientToken = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
      for (const route of routes) {
        expect([route, (await http().get(route)).status]).toEqual([route, 401]);
        const scoped = await http().get(route).auth(patientToken, { type: 'bearer' });
        expect([route, scoped.status]).toEqual([route, 403]);
        if (route !== '/docs-json') expect(JSON.stringify(scoped.body)).toContain('system/*.rs');
        const invalid = await http().get(route).auth('not-a-token', { type: 'bearer' });
        expect([route, invalid.status]).toEqual([route, 401]);
      }
    });

    it('let a backend service with system/*.rs (or a wider scope) through', async () => {
      for (const scope of ['system/*.rs', 'system/*.read']) {
        const token = await authServer.clientCredentialsToken(scope);
        for (const route of routes) {
          const response = await http().get(route).auth(token, { type: 'bearer' });
          expect([scope, route, response.status]).toEqual([scope, route, 200]);
        }
      }
    });

    it('guard the live event stream the same way', async () => {
      const server = app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${server.address().port}/events/stream`;
      const status = async (token?: string) => {
        const controller = new AbortController();
        const response = await fetch(url, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: controller.signal,
        });
        controller.abort();
        return response.status;
      };
      expect(await status()).toBe(401);
      expect(await status(await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice))).toBe(403);
      expect(await status(await authServer.clientCredentialsToken('system/*.rs'))).toBe(200);
    });

    it('leave public what is public: discovery, metadata, health, the console page', async () => {
      for (const route of ['/fhir/.well-known/smart-configuration', '/fhir/local/metadata', '/health', '/']) {
        expect([route, (await http().get(route)).status]).toEqual([route, 200]);
      }
    });
  });
});
