import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EventLogModule, eventsOf } from './support/event-log';
import { SHARED_FIXTURES } from './support/fixtures';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const API_KEY = 'console-api-key-0123456789';
const auth = { 'x-api-key': API_KEY };
const FIXTURE_PATH = join(SHARED_FIXTURES, 'cda', 'ccd-problems-meds-allergies.xml');
/** The mapping test reads a shared fixture: skipped (reported by Jest) on a clone without them. */
const itWithFixture = existsSync(FIXTURE_PATH) ? it : it.skip;
const fixture = () => readFileSync(FIXTURE_PATH, 'utf8');
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

// The same answers whether the document is read in process or, above NOTEREADER_WORKER_THRESHOLD_BYTES, in
// NoteReader's worker pool.
describe.each([
  ['in process', {}],
  ['in the worker pool', { NOTEREADER_WORKER_THRESHOLD_BYTES: '1' }],
])('console API: CDA to FHIR %s, settings (e2e)', (_where, env: Record<string, string>) => {
  let app: INestApplication;
  let logged: ReturnType<typeof eventsOf>;

  beforeAll(async () => {
    app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY, ...env }, [EventLogModule]);
    logged = eventsOf(app);
  });
  afterAll(async () => app.close());

  const mapCda = (body: string, headers: Record<string, string> = auth) =>
    request(app.getHttpServer())
      .post('/console/cda/fhir')
      .set({ 'content-type': 'application/xml', ...headers })
      .send(body);

  it('is behind the API guard', async () => {
    await mapCda('<ClinicalDocument xmlns="urn:hl7-org:v3"/>', {}).expect(401);
  });

  itWithFixture('maps a CDA document as NoteReader does, and stores and emits nothing', async () => {
    const conditionsBefore = await request(app.getHttpServer())
      .get('/fhir/local/Condition?_summary=count')
      .set(auth)
      .expect(200);
    await logged(); // forget the events so far

    const { body } = await mapCda(fixture()).expect(200);
    // Read by hand from the fixture: hypertension on the problem list, lisinopril 10 MG, an egg allergy, one note.
    expect(body.conditions).toHaveLength(1);
    expect(body.conditions[0].code.coding).toEqual(
      expect.arrayContaining([expect.objectContaining({ system: SNOMED, code: '38341003' })]),
    );
    expect(body.medications).toHaveLength(1);
    expect(body.medications[0].medicationCodeableConcept.coding).toEqual(
      expect.arrayContaining([expect.objectContaining({ system: RXNORM, code: '314076' })]),
    );
    expect(body.allergies).toHaveLength(1);
    expect(body.allergies[0].code.coding).toEqual(
      expect.arrayContaining([expect.objectContaining({ system: SNOMED, code: '102263004' })]),
    );
    expect(body.notes.map((note: { resourceType: string }) => note.resourceType)).toEqual(['DocumentReference']);

    expect(await logged()).toEqual([]);
    const conditionsAfter = await request(app.getHttpServer())
      .get('/fhir/local/Condition?_summary=count')
      .set(auth)
      .expect(200);
    expect(conditionsAfter.body.total).toBe(conditionsBefore.body.total);
  });

  it('refuses what is not a CDA document with a 400 naming the body, never echoing it', async () => {
    const secret = 'Jane-Doe-1962-PHI';
    const notCda = await mapCda(`<Patient><name>${secret}</name></Patient>`).expect(400);
    expect(notCda.body.message).toMatch(/^body: Not a CDA document/);
    expect(JSON.stringify(notCda.body)).not.toContain(secret);
    const withEntity = await mapCda(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "${secret}">]><ClinicalDocument xmlns="urn:hl7-org:v3">&e;</ClinicalDocument>`,
    ).expect(400);
    expect(JSON.stringify(withEntity.body)).not.toContain(secret);
    const empty = await request(app.getHttpServer()).post('/console/cda/fhir').set(auth).send({}).expect(400);
    expect(empty.body.message).toBe('body: a CDA document as application/xml or text/xml');
  });

  it('publishes how the console signs in, without credentials', async () => {
    const { body } = await request(app.getHttpServer()).get('/console/settings').expect(200);
    expect(body).toEqual({ apiKeys: true });
  });
});

describe('console turned off (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY, CONSOLE_ENABLED: 'false' });
  });
  afterAll(async () => app.close());

  it.each(['/', '/console/app.js', '/console/settings', '/events/stream', '/events/status'])(
    'answers 404 at %s',
    async (path) => {
      await request(app.getHttpServer()).get(path).set(auth).expect(404);
    },
  );

  it('answers 404 for CDA mapping, and keeps readiness and metrics', async () => {
    await request(app.getHttpServer())
      .post('/console/cda/fhir')
      .set({ ...auth, 'content-type': 'application/xml' })
      .send('<ClinicalDocument xmlns="urn:hl7-org:v3"/>')
      .expect(404);
    await request(app.getHttpServer()).get('/health/ready').set(auth).expect(200);
    await request(app.getHttpServer()).get('/metrics').set(auth).expect(200);
  });
});

describe('console API with API keys and SMART both accepted (e2e)', () => {
  let authorization: SmartAuthorizationServer;
  let app: INestApplication;

  beforeAll(async () => {
    authorization = await new SmartAuthorizationServer('https://gateway.example.org/fhir').start();
    app = await createTestGateway({
      ...authorization.gatewayEnv(),
      GATEWAY_AUTH: 'api-key,smart',
      GATEWAY_API_KEYS: API_KEY,
      CONSOLE_SMART_CLIENT_ID: 'console-client',
    });
  });
  afterAll(async () => {
    await app.close();
    await authorization.stop();
  });

  it('takes either credential on the console routes, and refuses none or a patient-level token', async () => {
    const status = (headers: Record<string, string>) => request(app.getHttpServer()).get('/events/status').set(headers);
    await status(auth).expect(200);
    const clinician = await authorization.clientCredentialsToken('system/*.rs');
    await status({ authorization: `Bearer ${clinician}` }).expect(200);
    await status({}).expect(401);
    await status({ 'x-api-key': 'not-the-key-0123456789' }).expect(401);
    const patientToken = await authorization.authorizationCodeToken('launch/patient patient/*.rs', 'p1');
    await status({ authorization: `Bearer ${patientToken}` }).expect(403);
    const { body } = await request(app.getHttpServer()).get('/console/settings').expect(200);
    expect(body).toEqual({ apiKeys: true, smart: { clientId: 'console-client', scope: 'user/*.rs' } });
  });
});
