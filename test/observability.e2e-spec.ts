import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';
import { unusedPort } from './support/ports';
import { itWithService } from './support/services';

const API_KEY = 'observability-key-0123456789';
const auth = { 'x-api-key': API_KEY };

/** The value of one sample in a Prometheus text exposition, by metric name and exact label set. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelSet = match[2].split(',').sort().join(',');
    if (labelSet === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('metrics and readiness (e2e)', () => {
  describe('/metrics', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY });
    });
    afterAll(async () => app.close());

    it('is behind the API guard', async () => {
      await request(app.getHttpServer()).get('/metrics').expect(401);
    });

    it('counts requests by route template, events by type and outcome, operations by source', async () => {
      const server = app.getHttpServer();
      const search = await request(server).get('/fhir/local/Patient?_count=1').set(auth).expect(200);
      const id = (search.body as { entry: Array<{ resource: { id: string } }> }).entry[0].resource.id;
      await request(server).get(`/fhir/local/Patient/${id}`).set(auth).expect(200);
      await request(server).get('/fhir/local/Patient/does-not-exist').set(auth).expect(404);
      await request(server).get('/no/such/route/123').set(auth).expect(404);

      const response = await request(server).get('/metrics').set(auth).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = response.text;
      // The FHIR controller takes every interaction on one catch-all route.
      const route = '/fhir/:source/*path';
      expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route, status: '200' })).toBe(2);
      expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route, status: '404' })).toBe(1);
      expect(
        sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' }),
      ).toBe(1);
      expect(text).not.toContain('/no/such/route');
      expect(text).not.toContain('does-not-exist');
      expect(sample(text, 'ehr_events_total', { type: 'fhir.read', outcome: 'success' })).toBe(1);
      expect(sample(text, 'ehr_events_total', { type: 'fhir.read', outcome: 'failure' })).toBe(1);
      expect(sample(text, 'ehr_events_total', { type: 'fhir.search', outcome: 'success' })).toBe(1);
      const readLabels = { family: 'fhir', system: 'local', operation: 'read', outcome: 'success' };
      expect(sample(text, 'ehr_operation_duration_seconds_count', readLabels)).toBe(1);
      expect(text).toMatch(/^ehr_event_listener_failures_total 0$/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
      expect(text).not.toContain('ehr_broker_');
    });
  });

  describe('/health and /health/ready', () => {
    let app: INestApplication | undefined;
    let ehr: MockEhrServer | undefined;
    afterEach(async () => {
      await app?.close();
      await ehr?.stop();
      app = ehr = undefined;
    });

    it('are public; /health checks only memory, /health/ready the store', async () => {
      app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY });
      const live = await request(app.getHttpServer()).get('/health').expect(200);
      expect(Object.keys(live.body.info)).toEqual(['memory_rss']);
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { store: { status: 'up' } } });
      expect(Object.keys(ready.body.info)).toEqual(['store']);
    });

    it('checks each upstream source and reports an unreachable one as down (503)', async () => {
      ehr = await new MockEhrServer({ id: 'gateway-app' }).start();
      const closed = await unusedPort();
      app = await createTestGateway({
        FHIR_SOURCES: JSON.stringify({ epic: `${ehr.url}/fhir/R4?timeout=2`, gone: `http://127.0.0.1:${closed}/fhir` }),
      });
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.info).toMatchObject({ store: { status: 'up' }, 'source:epic': { status: 'up', auth: 'none' } });
      expect(ready.body.error).toMatchObject({ 'source:gone': { status: 'down' } });
      expect(ehr.fhirRequests.map((r) => r.url)).toContain('metadata');
    });

    it('checks the broker when one is configured', async () => {
      const closed = await unusedPort();
      app = await createTestGateway({
        EVENTS_BROKER_URL: `nats://127.0.0.1:${closed}`,
        EVENTS_OUTBOX_PATH: ':memory:',
      });
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.error).toMatchObject({ broker: { status: 'down', message: 'not connected to NATS' } });
    });

    it('checks Redis when configured: down at a closed port', async () => {
      const closed = await unusedPort();
      app = await createTestGateway({ CDS_JWT_REPLAY_REDIS_URL: `redis://127.0.0.1:${closed}` });
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.error).toEqual({
        redis: {
          status: 'down',
          message: 'Redis (CDS_JWT_REPLAY_REDIS_URL) did not answer PING',
          responseTime: expect.any(Number),
        },
      });
      expect(JSON.stringify(ready.body)).not.toContain(String(closed));
    });

    itWithService('Redis', 'checks Redis when configured: up when it answers PING', async () => {
      app = await createTestGateway({ CDS_JWT_REPLAY_REDIS_URL: 'redis://127.0.0.1:6379' });
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({ redis: { status: 'up' } });
    });
  });
});
