import type { INestApplication } from '@nestjs/common';
import type { EHREvent } from '@ehr-gateway/events';
import request from 'supertest';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';

const KEY = 'inbound-key-0123456789abcdef';

/** A Patient whose `extension` nests `depth` arrays, in UTF-16LE; U+0122 there is the bytes 22 01 (a quote in UTF-8). */
const utf16Patient = (depth: number) =>
  Buffer.from(
    `{"resourceType":"Patient","text":{"status":"generated","div":"\u0122"},"extension":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    'utf16le',
  );

describe('Security: inbound checks with API keys (e2e)', () => {
  let app: INestApplication;
  let events: () => Promise<EHREvent[]>;
  const http = () => request(app.getHttpServer());
  jest.setTimeout(60_000);

  beforeAll(async () => {
    app = await createTestGateway({ GATEWAY_API_KEYS: KEY }, [EventLogModule]);
    events = eventsOf(app);
  });
  afterAll(async () => app?.close());

  // Without CORS_ORIGINS, the CORS middleware passes OPTIONS on to the routes (with origins, it answers it itself).
  describe('OPTIONS', () => {
    it('reaches a route only with a credential: 401 without, the route’s own answer with', async () => {
      await http().options('/fhir/local/Patient').expect(401);
      await http().options('/fhir/local/Patient').set('X-API-Key', KEY).expect(405);
    });
  });

  describe('JSON bodies are UTF-8 only (FHIR: "the character encoding SHALL be UTF-8")', () => {
    it.each([
      ['a body nested 50,000 deep', 50_000],
      ['a small body', 2],
    ])('UTF-16LE, %s: 415 with an OperationOutcome, not parsed', async (_, depth) => {
      const response = await http()
        .post('/fhir/local/Patient')
        .set('X-API-Key', KEY)
        .set('Content-Type', 'application/fhir+json; charset=utf-16le')
        .send(utf16Patient(depth))
        .expect(415);
      expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(response.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] });
    });

    it('UTF-8, declared or not, is accepted', async () => {
      for (const type of [
        'application/fhir+json; charset=utf-8',
        'application/fhir+json; charset=UTF-8',
        'application/fhir+json',
      ]) {
        await http()
          .post('/fhir/local/Patient')
          .set('X-API-Key', KEY)
          .set('Content-Type', type)
          .send(JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Ĝeorge' }] }))
          .expect(201);
      }
    });

    it('a deep UTF-8 body is still refused with 400', async () => {
      const deep = `{"resourceType":"Patient","extension":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
      await http()
        .post('/fhir/local/Patient')
        .set('X-API-Key', KEY)
        .set('Content-Type', 'application/fhir+json')
        .send(deep)
        .expect(400);
    });
  });

  describe('a made-up CDS service id', () => {
    const PHI_SERVICE = 'no-such-service-JaneDoe-19800101';
    const call = {
      hook: 'patient-view',
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context: { userId: 'Practitioner/1', patientId: '1' },
    };

    it('needs the credential first (401, as for a service that exists)', async () => {
      await http().post(`/cds-services/${PHI_SERVICE}`).send(call).expect(401);
      await http().post('/cds-services/vitals-review').send(call).expect(401);
    });

    it('is recorded as "unknown" in the event and /metrics, never as sent', async () => {
      await events();
      await http().post(`/cds-services/${PHI_SERVICE}`).set('X-API-Key', KEY).send(call).expect(404);
      const recorded = await events();
      expect(recorded.map((event) => [event.sourceSystem, event.payload.outcome])).toEqual([['unknown', 'failure']]);
      expect(JSON.stringify(recorded)).not.toContain('JaneDoe');
      const metrics = await http().get('/metrics').set('X-API-Key', KEY).expect(200);
      expect(metrics.text).not.toContain('JaneDoe');
    });
  });
});
