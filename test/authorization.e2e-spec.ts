import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Observation } from '@medplum/fhirtypes';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { EHREvent } from '@ehr-gateway/events';
import { eventsOf, EventLogModule } from './support/event-log';
import {
  bundleIds as ids,
  followPages,
  observationOf,
  seededPatients,
  subjectsOf,
} from './support/authorization-fixtures';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const AUDIENCE = 'https://gateway.example.org/fhir';

describe('Inbound authorization with SMART tokens from a real authorization server (oidc-provider)', () => {
  let authServer: SmartAuthorizationServer;
  let app: INestApplication;
  let upstream: MockEhrServer;
  let events: () => Promise<EHREvent[]>;
  /** The seeded patients (ids) and their observations, read by the gateway's own code (no caller, not checked). */
  let alice: string;
  let bob: string;
  let observationsOf: Map<string, Observation[]>;

  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    upstream = await new MockEhrServer({ id: 'no-auth' }).start();
    app = await createTestGateway(
      { ...authServer.gatewayEnv(), FHIR_SOURCES: JSON.stringify({ ehr: `${upstream.url}/fhir/R4` }) },
      [EventLogModule],
    );
    events = eventsOf(app);
    ({ alice, bob, observationsOf } = await seededPatients(app));
    await events();
  });

  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
    await upstream?.stop();
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

  describe('every scope form', () => {
    const category = (observation: Observation) => observation.category?.[0]?.coding?.[0]?.code;
    const own = () => observationsOf.get(alice)!;
    const vital = () => own().find((o) => category(o) === 'vital-signs')!;
    const lab = () => own().find((o) => category(o) === 'laboratory')!;

    it('v1 patient/Observation.read reads and searches the patient’s observations', async () => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/Observation.read', alice);
      await http().get(`/fhir/local/Observation/${vital().id}`).auth(token, { type: 'bearer' }).expect(200);
      const search = await http().get('/fhir/local/Observation?_count=500').auth(token, { type: 'bearer' });
      expect(subjectsOf(search.body)).toEqual(new Set([`Patient/${alice}`]));
    });

    it('v2 .r reads but does not search; .s searches but does not read', async () => {
      const reader = await authServer.authorizationCodeToken('launch/patient patient/Observation.r', alice);
      await http().get(`/fhir/local/Observation/${vital().id}`).auth(reader, { type: 'bearer' }).expect(200);
      const search = await http().get('/fhir/local/Observation').auth(reader, { type: 'bearer' });
      expect(search.status).toBe(403);
      expect(search.body.issue[0].diagnostics).toContain('patient/Observation.s');

      const searcher = await authServer.authorizationCodeToken('launch/patient patient/Observation.s', alice);
      await http().get('/fhir/local/Observation').auth(searcher, { type: 'bearer' }).expect(200);
      const read = await http().get(`/fhir/local/Observation/${vital().id}`).auth(searcher, { type: 'bearer' });
      expect(read.status).toBe(403);
      expect(read.body.issue[0].diagnostics).toContain('patient/Observation.r');
    });

    it('a v2 query restriction (?category=laboratory) confines searches and reads to matching resources', async () => {
      const token = await authServer.authorizationCodeToken(
        'launch/patient patient/Observation.rs?category=laboratory',
        alice,
      );
      const search = await http().get('/fhir/local/Observation?_count=500').auth(token, { type: 'bearer' });
      expect(search.status).toBe(200);
      const labs = own().filter((o) => category(o) === 'laboratory');
      expect(ids(search.body).sort()).toEqual(labs.map((o) => `Observation/${o.id}`).sort());
      await http().get(`/fhir/local/Observation/${lab().id}`).auth(token, { type: 'bearer' }).expect(200);
      await http().get(`/fhir/local/Observation/${vital().id}`).auth(token, { type: 'bearer' }).expect(403);
    });

    it('patient/*.rs reaches every type of the patient’s compartment, and only that patient', async () => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
      await http().get(`/fhir/local/Patient/${alice}`).auth(token, { type: 'bearer' }).expect(200);
      await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(403);
      const patients = await http().get('/fhir/local/Patient').auth(token, { type: 'bearer' });
      expect(ids(patients.body)).toEqual([`Patient/${alice}`]);
      const conditions = await http().get('/fhir/local/Condition').auth(token, { type: 'bearer' });
      expect(conditions.status).toBe(200);
      expect(
        new Set(
          (conditions.body.entry ?? []).map(
            (e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference,
          ),
        ),
      ).toEqual(new Set([`Patient/${alice}`]));
    });

    it('user/Observation.rs is not confined to a compartment', async () => {
      const token = await authServer.authorizationCodeToken('user/Observation.rs', alice);
      await http()
        .get(`/fhir/local/Observation/${observationsOf.get(bob)![0].id}`)
        .auth(token, { type: 'bearer' })
        .expect(200);
      await http().get(`/fhir/local/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(403);
    });

    it('system/Patient.rs reads patients only; system/*.read reads everything', async () => {
      const patientsOnly = await authServer.clientCredentialsToken('system/Patient.rs');
      await http().get(`/fhir/local/Patient/${bob}`).auth(patientsOnly, { type: 'bearer' }).expect(200);
      const denied = await http().get('/fhir/local/Observation').auth(patientsOnly, { type: 'bearer' });
      expect(denied.status).toBe(403);
      expect(denied.body.issue[0].diagnostics).toContain('system/Observation.s');
      const everything = await authServer.clientCredentialsToken('system/*.read');
      await http()
        .get(`/fhir/local/Observation/${observationsOf.get(bob)![0].id}`)
        .auth(everything, { type: 'bearer' })
        .expect(200);
    });
  });

  describe('compartment searches: includes, chains and pages', () => {
    // The embedded store answers _include, _revinclude and chains once the store engine (issue 12) lands;
    // the check of every returned resource is the same for every source, so an upstream answers here.
    const searchEntry = (resource: Record<string, unknown>, mode: 'match' | 'include') => ({ ...resource, mode });
    const upstreamAnswers = (type: string, entries: Array<Record<string, unknown>>) =>
      upstream.searchResults.set(
        type,
        entries.map(({ mode: _mode, ...resource }) => resource),
      );

    it('withholds included resources the token does not reach', async () => {
      upstreamAnswers('Observation', [
        searchEntry(
          {
            resourceType: 'Observation',
            id: 'inc-1',
            status: 'final',
            code: { text: 'x' },
            subject: { reference: `Patient/${alice}` },
          },
          'match',
        ),
        searchEntry({ resourceType: 'Patient', id: alice }, 'include'),
        searchEntry({ resourceType: 'Patient', id: bob }, 'include'),
        searchEntry({ resourceType: 'Practitioner', id: 'doc-1' }, 'include'),
      ]);
      const observationsOnly = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', alice);
      const included = await http()
        .get('/fhir/ehr/Observation?_include=Observation:subject&_include=Observation:performer')
        .auth(observationsOnly, { type: 'bearer' });
      expect(included.status).toBe(200);
      expect(ids(included.body)).toEqual(['Observation/inc-1']);

      const everything = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
      const withPatient = await http()
        .get('/fhir/ehr/Observation?_include=Observation:subject&_include=Observation:performer')
        .auth(everything, { type: 'bearer' });
      expect(ids(withPatient.body)).toEqual(['Observation/inc-1', `Patient/${alice}`]);
    });

    it('a _revinclude brings only the patient’s own resources', async () => {
      upstreamAnswers('Patient', [
        searchEntry({ resourceType: 'Patient', id: alice }, 'match'),
        searchEntry(
          {
            resourceType: 'Observation',
            id: 'rev-1',
            status: 'final',
            code: { text: 'x' },
            subject: { reference: `Patient/${alice}` },
          },
          'include',
        ),
        searchEntry(
          {
            resourceType: 'Observation',
            id: 'rev-2',
            status: 'final',
            code: { text: 'x' },
            subject: { reference: `Patient/${bob}` },
          },
          'include',
        ),
      ]);
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
      const response = await http()
        .get('/fhir/ehr/Patient?_revinclude=Observation:subject')
        .auth(token, { type: 'bearer' });
      expect(response.status).toBe(200);
      expect(ids(response.body)).toEqual([`Patient/${alice}`, 'Observation/rev-1']);
    });

    it('a search is narrowed to the compartment before it reaches the source', async () => {
      upstreamAnswers('Condition', []);
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
      upstream.fhirRequests.length = 0;
      await http().get(`/fhir/ehr/Condition?clinical-status=active`).auth(token, { type: 'bearer' }).expect(200);
      const sent = new URLSearchParams(upstream.fhirRequests[0].url.split('?')[1]);
      expect(sent.get('patient')).toBe(`Patient/${alice}`);
      expect(sent.get('clinical-status')).toBe('active');
      // A chain would match on resources outside the compartment: refused before the source is asked.
      upstream.fhirRequests.length = 0;
      await http().get(`/fhir/ehr/Condition?subject.family=Smith`).auth(token, { type: 'bearer' }).expect(403);
      expect(upstream.fhirRequests).toEqual([]);
    });

    it('every page a client follows stays in the compartment', async () => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', alice);
      const pages = await followPages(app, '/fhir/local/Observation?_count=2', token, (response) =>
        expect(response.status).toBe(200),
      );
      expect(pages.flatMap(ids).sort()).toEqual(
        observationsOf
          .get(alice)!
          .map((o) => `Observation/${o.id}`)
          .sort(),
      );
    });
  });

  describe('writes, transactions and batches', () => {
    const observation = observationOf;
    let writer: string;

    beforeAll(async () => {
      writer = await authServer.authorizationCodeToken('launch/patient patient/Observation.cruds', alice);
    });

    it('writes inside the compartment and nowhere else', async () => {
      const created = await http()
        .post('/fhir/local/Observation')
        .auth(writer, { type: 'bearer' })
        .send(observation(alice));
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      await http().post('/fhir/local/Observation').auth(writer, { type: 'bearer' }).send(observation(bob)).expect(403);
      await http()
        .put(`/fhir/local/Observation/${id}`)
        .auth(writer, { type: 'bearer' })
        .send({ ...observation(bob), id })
        .expect(403);
      const bobsObservation = observationsOf.get(bob)![0];
      await http()
        .put(`/fhir/local/Observation/${bobsObservation.id}`)
        .auth(writer, { type: 'bearer' })
        .send({ ...bobsObservation, subject: { reference: `Patient/${alice}` } })
        .expect(403);
      await http().delete(`/fhir/local/Observation/${bobsObservation.id}`).auth(writer, { type: 'bearer' }).expect(403);
      const deleted = await http().delete(`/fhir/local/Observation/${id}`).auth(writer, { type: 'bearer' });
      expect(deleted.status).toBeLessThan(300);
      const still = await app.get(FhirGateway).read('Observation', bobsObservation.id!);
      expect(still).toMatchObject({ subject: { reference: `Patient/${bob}` } });
    });

    it('a batch answers 403 in each denied entry and runs the others', async () => {
      const response = await http()
        .post('/fhir/local')
        .auth(writer, { type: 'bearer' })
        .send({
          resourceType: 'Bundle',
          type: 'batch',
          entry: [
            { request: { method: 'GET', url: `Observation/${observationsOf.get(alice)![0].id}` } },
            { request: { method: 'GET', url: `Observation/${observationsOf.get(bob)![0].id}` } },
            { request: { method: 'POST', url: 'Observation' }, resource: observation(bob) },
            { request: { method: 'POST', url: 'Observation' }, resource: observation(alice) },
            { request: { method: 'GET', url: `Observation?patient=${bob}` } },
          ],
        });
      expect(response.status).toBe(200);
      const statuses = response.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3));
      expect(statuses).toEqual(['200', '403', '403', '201', '200']);
      expect(response.body.entry[4].resource.entry ?? []).toEqual([]);
    });

    it('a transaction with one denied entry is refused whole, nothing written', async () => {
      const marker = `tx-${Date.now()}`;
      const response = await http()
        .post('/fhir/local')
        .auth(writer, { type: 'bearer' })
        .send({
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              request: { method: 'POST', url: 'Observation' },
              resource: { ...observation(alice), code: { text: marker } },
            },
            {
              request: { method: 'POST', url: 'Observation' },
              resource: { ...observation(bob), code: { text: marker } },
            },
            { request: { method: 'DELETE', url: `Observation/${observationsOf.get(bob)![0].id}` } },
          ],
        });
      expect(response.status).toBe(403);
      expect(response.body.issue[0].diagnostics).toContain('entry 1');
      const written = await app.get(FhirGateway).search('Observation', { 'code:text': marker });
      expect(written.entry ?? []).toEqual([]);
      await app.get(FhirGateway).read('Observation', observationsOf.get(bob)![0].id!);
    });
  });

  describe('responses from upstream sources', () => {
    it('withholds upstream search results outside the compartment and refuses such reads', async () => {
      upstream.searchResults.set('Observation', [
        {
          resourceType: 'Observation',
          id: 'up-1',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: `Patient/${alice}` },
        },
        {
          resourceType: 'Observation',
          id: 'up-2',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: `Patient/${bob}` },
        },
      ]);
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
      const search = await http().get('/fhir/ehr/Observation').auth(token, { type: 'bearer' });
      expect(search.status).toBe(200);
      expect(ids(search.body)).toEqual(['Observation/up-1']);
      expect(search.body.total).toBeUndefined();
      await http().get(`/fhir/ehr/Patient/${alice}`).auth(token, { type: 'bearer' }).expect(200);
      await http().get(`/fhir/ehr/Patient/${bob}`).auth(token, { type: 'bearer' }).expect(403);
    });
  });

  describe('opaque tokens (RFC 7662 introspection)', () => {
    it('checks an opaque token at the introspection endpoint and applies its scopes and patient', async () => {
      const token = await authServer.authorizationCodeToken(
        'launch/patient patient/Observation.rs',
        alice,
        'opaque-app',
      );
      expect(token.split('.')).toHaveLength(1);
      await http()
        .get(`/fhir/local/Observation/${observationsOf.get(alice)![0].id}`)
        .auth(token, { type: 'bearer' })
        .expect(200);
      await http()
        .get(`/fhir/local/Observation/${observationsOf.get(bob)![0].id}`)
        .auth(token, { type: 'bearer' })
        .expect(403);
    });
  });

  describe('tokens refused with 401', () => {
    const refused = async (token: string) => {
      const response = await http().get('/fhir/local/Patient').auth(token, { type: 'bearer' });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      return response;
    };

    it('an expired token, one issued in the future, one not yet valid', async () => {
      const now = Math.floor(Date.now() / 1000);
      await refused(await authServer.signedToken({ iat: now - 600, exp: now - 120 }));
      await refused(await authServer.signedToken({ iat: now + 600, exp: now + 900 }));
      await refused(await authServer.signedToken({ nbf: now + 600 }));
      // The same key and claims, valid: accepted (so the refusals above are for the times alone).
      await http()
        .get('/fhir/local/Patient')
        .auth(await authServer.signedToken({}), { type: 'bearer' })
        .expect(200);
    });

    it('a token for another audience (a real token from the server, another resource indicator)', async () => {
      await refused(await authServer.clientCredentialsToken('system/*.rs', 'https://other.example.org/fhir'));
    });

    it('a token from an issuer that is not trusted, and an unsigned (alg: none) token', async () => {
      await refused(await authServer.signedToken({ iss: 'https://rogue.example.org' }));
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const claims = Buffer.from(
        JSON.stringify({ iss: authServer.issuer, aud: AUDIENCE, exp: now + 300, scope: 'system/*.rs' }),
      ).toString('base64url');
      await refused(`${header}.${claims}.`);
    });

    it('follows a key rotation: a token signed with the new key is verified after a JWK Set refresh', async () => {
      const before = await authServer.clientCredentialsToken('system/*.rs');
      await http().get('/fhir/local/Patient').auth(before, { type: 'bearer' }).expect(200);
      await authServer.rotateKeys();
      const after = await authServer.clientCredentialsToken('system/*.rs');
      await http().get('/fhir/local/Patient').auth(after, { type: 'bearer' }).expect(200);
    });
  });

  describe('discovery', () => {
    it('publishes the authorization server’s endpoints at .well-known/smart-configuration', async () => {
      for (const path of ['/fhir/.well-known/smart-configuration', '/fhir/local/.well-known/smart-configuration']) {
        const response = await http().get(path).expect(200);
        expect(response.body).toMatchObject({
          issuer: authServer.issuer,
          jwks_uri: authServer.jwksUrl,
          authorization_endpoint: `${authServer.issuer}/auth`,
          token_endpoint: `${authServer.issuer}/token`,
          introspection_endpoint: authServer.introspectionUrl,
          code_challenge_methods_supported: ['S256'],
        });
        expect(response.body.capabilities).toEqual(
          expect.arrayContaining(['permission-v2', 'context-standalone-patient']),
        );
      }
      await http().get('/fhir/nowhere/.well-known/smart-configuration').expect(404);
    });

    it.each(['local', 'ehr'])(
      'the CapabilityStatement of source %s carries the SMART security element',
      async (source) => {
        // The store generates its own statement; the upstream answers one without `security`: both are decorated.
        const response = await http().get(`/fhir/${source}/metadata`).expect(200);
        expect(response.body.resourceType).toBe('CapabilityStatement');
        const security = response.body.rest[0].security;
        expect(security.service[0].coding[0]).toEqual({
          system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
          code: 'SMART-on-FHIR',
        });
        const uris = security.extension.find((e: { url: string }) => e.url.endsWith('oauth-uris'));
        expect(uris.extension).toEqual(
          expect.arrayContaining([
            { url: 'authorize', valueUri: `${authServer.issuer}/auth` },
            { url: 'token', valueUri: `${authServer.issuer}/token` },
          ]),
        );
      },
    );
  });

  describe('audit-only mode (GATEWAY_AUTH_ENFORCE=false)', () => {
    let auditOnly: INestApplication;

    beforeAll(async () => {
      auditOnly = await createTestGateway({ ...authServer.gatewayEnv(), GATEWAY_AUTH_ENFORCE: 'false' }, [
        EventLogModule,
      ]);
    });

    afterAll(async () => {
      await auditOnly?.close();
    });

    it('lets every request through and records what would have been denied', async () => {
      const auditEvents = eventsOf(auditOnly);
      // This gateway has its own store: its own patients.
      const fhir = auditOnly.get(FhirGateway);
      const [first, second] = ids(await fhir.search('Patient', { _count: 2 })).map((ref) => ref.split('/')[1]);
      const [secondsObservation] = (
        await fhir.search<Observation>('Observation', { subject: `Patient/${second}` })
      ).entry!.map((entry) => entry.resource!);
      const token = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', first);
      await auditEvents();

      await request(auditOnly.getHttpServer())
        .get(`/fhir/local/Observation/${secondsObservation.id}`)
        .auth(token, { type: 'bearer' })
        .expect(200);
      const search = await request(auditOnly.getHttpServer())
        .get(`/fhir/local/Observation?patient=${second}`)
        .auth(token, { type: 'bearer' });
      expect(subjectsOf(search.body)).toEqual(new Set([`Patient/${second}`]));
      await request(auditOnly.getHttpServer()).get('/fhir/local/Patient').expect(200);

      const [read, searched, anonymous] = await auditEvents();
      expect(read).toMatchObject({
        payload: { outcome: 'success', status: 200 },
        metadata: { authorization: { decision: 'would-deny' } },
      });
      expect(read.metadata.authorization).toMatchObject({ reason: expect.stringContaining('compartment') });
      expect(searched.metadata.authorization).toMatchObject({ decision: 'would-deny' });
      expect(anonymous.metadata.authorization).toMatchObject({ decision: 'would-deny' });
    });
  });
});
