import type { INestApplication } from '@nestjs/common';
import type { EHREvent } from '@ehr-gateway/events';
import request from 'supertest';
import { seededPatients } from './support/authorization-fixtures';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const AUDIENCE = 'https://gateway.example.org/fhir';
const KEY = 'inbound-key-0123456789abcdef';

jest.setTimeout(90_000);

describe('inbound rules under GATEWAY_AUTH=smart, tokens from oidc-provider', () => {
  let authServer: SmartAuthorizationServer;
  let app: INestApplication;
  let events: () => Promise<EHREvent[]>;
  let alice: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    app = await createTestGateway(
      { ...authServer.gatewayEnv(), GATEWAY_AUTH: 'smart,api-key', GATEWAY_API_KEYS: KEY },
      [EventLogModule],
    );
    events = eventsOf(app);
    ({ alice } = await seededPatients(app));
  });
  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
  });

  describe('the console (event stream, sources status) shows every patient: user/ or system/ read on every type', () => {
    const consolePaths = ['/events/status', '/fhir/status'];

    it.each([
      ['a patient launch with a narrow user/ scope beside', 'launch/patient patient/*.rs user/Observation.rs', 'alice'],
      ['a practitioner with one type only', 'user/Observation.rs', 'Practitioner/p1'],
      ['a practitioner with patient/ scopes only', 'patient/*.rs', 'Practitioner/p1'],
    ])('403 for %s', async (_, scope, user) => {
      const token = await authServer.authorizationCodeToken(scope, user === 'alice' ? alice : user);
      for (const path of consolePaths) {
        const response = await http().get(path).auth(token, { type: 'bearer' });
        expect([path, response.status]).toEqual([path, 403]);
      }
    });

    it("200 for a practitioner with user/*.rs (launched from a patient's chart too), system/*.rs, an API key", async () => {
      const practitioner = await authServer.authorizationCodeToken('user/*.rs', 'Practitioner/p1');
      const launchedPractitioner = await authServer.authorizationCodeToken('launch/patient user/*.rs', alice);
      const system = await authServer.clientCredentialsToken('system/*.rs');
      for (const path of consolePaths) {
        await http().get(path).auth(practitioner, { type: 'bearer' }).expect(200);
        await http().get(path).auth(launchedPractitioner, { type: 'bearer' }).expect(200);
        await http().get(path).auth(system, { type: 'bearer' }).expect(200);
        await http().get(path).set('X-API-Key', KEY).expect(200);
      }
    });
  });

  describe('the rule is the matched route’s, whatever the spelling of the path', () => {
    // Express matches paths case-insensitively and ignores a trailing slash: every spelling that reaches the sources'
    // status is the console's route (401 without a credential, 403 with a patient's token); the others reach no
    // route (404) or the FHIR interactions' route with `status` as a source name, which no source may have (405).
    it.each([
      ['/fhir/status', 401],
      ['/fhir/status/', 401],
      ['/FHIR/STATUS', 401],
      ['/fhir/STATUS', 401],
      ['/Fhir/Status/', 401],
      ['/fhir/%73tatus', 405],
      ['/fhir/status%2F', 405],
      ['//fhir/status', 404],
      ['/fhir//status', 404],
    ])('%s without a credential: %d, never the status', async (path, status) => {
      const response = await http().get(path);
      expect(response.status).toBe(status);
      expect(response.body).not.toHaveProperty('sources');
    });

    it.each(['/fhir/status', '/fhir/status/', '/FHIR/STATUS', '/Fhir/Status/'])(
      '%s with a patient-level token: 403 (the console rule)',
      async (path) => {
        const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', alice);
        await http().get(path).auth(token, { type: 'bearer' }).expect(403);
      },
    );

    it.each(['/METRICS', '/metrics/', '/Events/Status'])('%s without a credential: 401', async (path) => {
      await http().get(path).expect(401);
    });
  });

  describe('a made-up source name: authenticated first, recorded as "unknown"', () => {
    const PHI_SOURCE = 'unauth-PHI-JaneDoe-19800101';

    it('401 without a credential, as for a configured source (no oracle of source names), and no event naming it', async () => {
      await events();
      await http().get(`/fhir/${PHI_SOURCE}/Patient/1`).expect(401);
      await http().get('/fhir/local/Patient/1').expect(401);
      const recorded = await events();
      expect(recorded.map((event) => event.sourceSystem)).toEqual(['unknown', 'local']);
      expect(JSON.stringify(recorded)).not.toContain('JaneDoe');
    });

    it('404 with a valid token; the event, /metrics and the audit trail name it "unknown"', async () => {
      const token = await authServer.clientCredentialsToken('system/*.rs');
      await events();
      await http().get(`/fhir/${PHI_SOURCE}/Patient/1`).auth(token, { type: 'bearer' }).expect(404);
      const [event] = await events();
      expect(event).toMatchObject({ sourceSystem: 'unknown', payload: { outcome: 'failure', status: 404 } });
      expect(JSON.stringify(event)).not.toContain('JaneDoe');
      const metrics = await http().get('/metrics').set('X-API-Key', KEY).expect(200);
      expect(metrics.text).not.toContain('JaneDoe');
      expect(metrics.text).toMatch(/ehr_operation_duration_seconds_count\{[^}]*system="unknown"/);
    });
  });
});
