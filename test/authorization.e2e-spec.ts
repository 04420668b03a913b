import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { EHREvent } from '@ehr-gateway/events';
import { eventsOf, EventLogModule } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const AUDIENCE = 'https://gateway.example.org/fhir';

describe('Inbound authorization with SMART tokens from a real authorization server (oidc-provider)', () => {
  let authServer: SmartAuthorizationServer;
  let app: INestApplication;
  let events: () => Promise<EHREvent[]>;
  /** The seeded patients (ids) and their observations, read by the gateway's own code (no caller, not checked). */
  let alice: string;
  let bob: string;
  let observationsOf: Map<string, Observation[]>;

  const http = () => request(app.getHttpServer());
  const ids = (bundle: Bundle) =>
    (bundle.entry ?? []).map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`);
  const subjectsOf = (bundle: Bundle) =>
    new Set((bundle.entry ?? []).map((entry) => (entry.resource as Observation).subject?.reference));

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    app = await createTestGateway(authServer.gatewayEnv(), [EventLogModule]);
    events = eventsOf(app);
    const fhir = app.get(FhirGateway);
    const patients = await fhir.search('Patient', { _count: 10 });
    [alice, bob] = ids(patients).map((reference) => reference.split('/')[1]);
    observationsOf = new Map();
    for (const id of [alice, bob]) {
      const bundle = await fhir.search<Observation>('Observation', { subject: `Patient/${id}`, _count: 500 });
      observationsOf.set(
        id,
        bundle.entry!.map((entry) => entry.resource!),
      );
    }
    await events();
  });

  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
  });

  describe('a patient app holding patient/Observation.rs for one patient (authorization code with PKCE)', () => {
    let token: string;

    beforeAll(async () => {
      token = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', alice);
    });

    it('searches that patient’s observations, and nothing else, whatever it asks for', async () => {
      const own = await http()
        .get(`/fhir/local/Observation?patient=${alice}&_count=500`)
        .auth(token, { type: 'bearer' });
      expect(own.status).toBe(200);
      expect(ids(own.body).sort()).toEqual(
        observationsOf
          .get(alice)!
          .map((o) => `Observation/${o.id}`)
          .sort(),
      );

      const unfiltered = await http().get('/fhir/local/Observation?_count=500').auth(token, { type: 'bearer' });
      expect(unfiltered.status).toBe(200);
      expect(subjectsOf(unfiltered.body)).toEqual(new Set([`Patient/${alice}`]));

      const other = await http().get(`/fhir/local/Observation?patient=${bob}`).auth(token, { type: 'bearer' });
      expect(other.status).toBe(200);
      expect(other.body.entry ?? []).toEqual([]);
    });

    it('reads its patient’s observation; another patient’s is 403', async () => {
      const ownId = observationsOf.get(alice)![0].id;
      const otherId = observationsOf.get(bob)![0].id;
      await http().get(`/fhir/local/Observation/${ownId}`).auth(token, { type: 'bearer' }).expect(200);
      const denied = await http().get(`/fhir/local/Observation/${otherId}`).auth(token, { type: 'bearer' });
      expect(denied.status).toBe(403);
      expect(denied.body.resourceType).toBe('OperationOutcome');
      expect(denied.body.issue[0].code).toBe('forbidden');
      expect(JSON.stringify(denied.body)).not.toContain(bob);
    });

    it('is refused other resource types with a 403 naming the scope that would allow it', async () => {
      const patient = await http().get(`/fhir/local/Patient/${alice}`).auth(token, { type: 'bearer' });
      expect(patient.status).toBe(403);
      expect(patient.body.issue[0].diagnostics).toContain('patient/Patient.r');
      expect(patient.headers['www-authenticate']).toContain('error="insufficient_scope"');
      const conditions = await http().get(`/fhir/local/Condition?patient=${alice}`).auth(token, { type: 'bearer' });
      expect(conditions.status).toBe(403);
      expect(conditions.body.issue[0].diagnostics).toContain('patient/Condition.s');
    });

    it('puts the caller and the decision in each operation’s event', async () => {
      await events();
      const ownId = observationsOf.get(alice)![0].id;
      const otherId = observationsOf.get(bob)![0].id;
      await http().get(`/fhir/local/Observation/${ownId}`).auth(token, { type: 'bearer' }).expect(200);
      await http().get(`/fhir/local/Observation/${otherId}`).auth(token, { type: 'bearer' }).expect(403);
      const [allowed, denied] = await events();
      const caller = {
        user: `Patient/${alice}`,
        clientId: 'patient-app',
        patient: `Patient/${alice}`,
        scopes: ['launch/patient', 'patient/Observation.rs'],
      };
      expect(allowed).toMatchObject({
        eventType: 'fhir.read',
        payload: { outcome: 'success', status: 200, resourceId: ownId },
        metadata: { ...caller, authorization: { decision: 'allow' } },
      });
      expect(denied).toMatchObject({
        eventType: 'fhir.read',
        payload: { outcome: 'failure', status: 403, resourceId: otherId },
        metadata: { ...caller, authorization: { decision: 'deny' } },
      });
      expect(JSON.stringify([allowed, denied])).not.toContain(token);
    });
  });

  describe('a backend service holding system/*.rs (client credentials with private_key_jwt)', () => {
    it('reads everything and may not write', async () => {
      const token = await authServer.clientCredentialsToken('system/*.rs');
      const patients = await http().get('/fhir/local/Patient').auth(token, { type: 'bearer' });
      expect(patients.status).toBe(200);
      expect(ids(patients.body)).toEqual(expect.arrayContaining([`Patient/${alice}`, `Patient/${bob}`]));
      const observations = await http().get('/fhir/local/Observation?_count=500').auth(token, { type: 'bearer' });
      expect(subjectsOf(observations.body).has(`Patient/${bob}`)).toBe(true);
      const created = await http()
        .post('/fhir/local/Patient')
        .auth(token, { type: 'bearer' })
        .send({ resourceType: 'Patient', name: [{ family: 'New' }] });
      expect(created.status).toBe(403);
      expect(created.body.issue[0].diagnostics).toContain('system/Patient.c');
    });
  });

  describe('tokens that are not accepted', () => {
    it('answers 401 with a Bearer challenge when no token is presented', async () => {
      const response = await http().get('/fhir/local/Patient');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      expect(response.body.resourceType).toBe('OperationOutcome');
    });

    it('answers 401 error="invalid_token" to a token that is not valid', async () => {
      const response = await http().get('/fhir/local/Patient').auth('not-a-token', { type: 'bearer' });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });
  });
});
