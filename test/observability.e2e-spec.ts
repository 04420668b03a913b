import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication, Module } from '@nestjs/common';
import { EventBrokerPublisher, EventDispatcher } from '@ehr-gateway/events';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import request from 'supertest';
import { FailingListeners } from './support/events-fixture';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';
import { unusedPort } from './support/ports';
import { describeWithService, itWithService } from './support/services';

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

  describe('/metrics of failing listeners', () => {
    @Module({ providers: [FailingListeners] })
    class FailingListenersModule {}

    it('counts every listener invocation that threw or rejected', async () => {
      const app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY }, [FailingListenersModule]);
      try {
        const server = app.getHttpServer();
        await request(server).get('/fhir/local/Patient/does-not-exist').set(auth).expect(404);
        await app.get(EventDispatcher).idle();
        // One event (a failed read) and three listeners that each fail on it.
        expect(app.get(FailingListeners).calls).toBe(3);
        const { text } = await request(server).get('/metrics').set(auth).expect(200);
        expect(text).toMatch(/^ehr_event_listener_failures_total 3$/m);
      } finally {
        await app.close();
      }
    });
  });

  describe('/metrics of upstream sources (OAuth client credentials)', () => {
    const SECRET = 'metrics-client-secret';
    let app: INestApplication;
    let ehr: MockEhrServer;
    let closed: number;
    beforeAll(async () => {
      ehr = await new MockEhrServer({ id: 'gateway-app', secret: SECRET }).start();
      closed = await unusedPort();
      const tokenUrl = encodeURIComponent(`${ehr.url}/oauth2/token`);
      app = await createTestGateway({
        GATEWAY_API_KEYS: API_KEY,
        FHIR_SOURCES: JSON.stringify({
          epic: `${ehr.url}/fhir/R4?client_id=gateway-app&client_secret=${SECRET}&token_url=${tokenUrl}&timeout=1`,
          refused: `${ehr.url}/fhir/R4?client_id=gateway-app&client_secret=wrong&token_url=${tokenUrl}&timeout=1`,
          gone: `http://127.0.0.1:${closed}/fhir?timeout=1`,
        }),
      });
    });
    afterAll(async () => {
      await app.close();
      await ehr.stop();
    });

    it('counts exchanges by source and status, errors by reason, token refreshes by source and outcome', async () => {
      const server = app.getHttpServer();
      const read = (path: string) => request(server).get(`/fhir/${path}`).set(auth);
      await read('epic/Patient/p1').expect(200); // token 1, then 200
      ehr.revokeTokens();
      await read('epic/Patient/p1').expect(200); // 401, token 2, then 200
      ehr.queuedFailures.push({ status: 500 });
      await read('epic/Patient/p1').expect(500); // not retried: 500 is no transient status
      ehr.hangingPaths.add('Patient/slow');
      await read('epic/Patient/slow').expect(504);
      await read('refused/Patient/p1').expect(502); // the token endpoint refuses: no FHIR exchange
      await read('gone/Patient/p1').expect(502);
      expect(ehr.tokenRequests).toHaveLength(2);

      const text = (await request(server).get('/metrics').set(auth).expect(200)).text;
      const exchanges = (source: string, status: string) =>
        sample(text, 'ehr_upstream_request_duration_seconds_count', { source, method: 'GET', status });
      expect(exchanges('epic', '200')).toBe(2);
      expect(exchanges('epic', '401')).toBe(1);
      expect(exchanges('epic', '500')).toBe(1);
      expect(exchanges('epic', 'timeout')).toBe(1);
      expect(exchanges('gone', 'unreachable')).toBe(1);
      expect(text).not.toMatch(/^ehr_upstream_request_duration_seconds_count\{[^}]*source="refused"/m);
      const errors = (source: string, reason: string) => sample(text, 'ehr_upstream_errors_total', { source, reason });
      expect(errors('epic', '5xx')).toBe(1);
      expect(errors('epic', 'timeout')).toBe(1);
      expect(errors('gone', 'unreachable')).toBe(1);
      const refreshes = (source: string, outcome: string) =>
        sample(text, 'ehr_upstream_token_refreshes_total', { source, outcome });
      expect(refreshes('epic', 'success')).toBe(2);
      expect(refreshes('refused', 'failure')).toBe(1);
      expect(refreshes('refused', 'success')).toBeUndefined();
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('token-1');
      expect(text).not.toContain(String(closed));
    });

    it('times CDS invokes per service and counts NoteReader documents and faults', async () => {
      const server = app.getHttpServer();
      const search = await request(server).get('/fhir/local/Patient?_count=1').set(auth).expect(200);
      const patientId = (search.body as { entry: Array<{ resource: { id: string } }> }).entry[0].resource.id;
      await request(server)
        .post('/cds-services/vitals-review')
        .set(auth)
        .send({
          hook: 'patient-view',
          hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
          context: { userId: 'Practitioner/1', patientId },
        })
        .expect(200);
      const notAnXmlDocument = Buffer.from('not a CDA document').toString('base64');
      await request(server)
        .post('/notereader')
        .set(auth)
        .type('text/xml')
        .send(
          '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:epic-com:Common.2013.Services">' +
            `<soapenv:Body><urn:ProcessDocument><urn:Document>${notAnXmlDocument}</urn:Document></urn:ProcessDocument></soapenv:Body></soapenv:Envelope>`,
        )
        .expect(500);
      await app.get(EventDispatcher).idle();

      const text = (await request(server).get('/metrics').set(auth).expect(200)).text;
      const cds = { family: 'cds', system: 'vitals-review', operation: 'invoke', outcome: 'success' };
      expect(sample(text, 'ehr_operation_duration_seconds_count', cds)).toBe(1);
      expect(sample(text, 'ehr_events_total', { type: 'notereader.process.note', outcome: 'failure' })).toBe(1);
      expect(
        sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/notereader', status: '500' }),
      ).toBe(1);
    });
  });

  describeWithService('NATS', '/metrics of the broker: publishes, outbox depth and drain', () => {
    const prefix = `ehrmetrics${randomUUID().slice(0, 8)}`;
    const stream = `EHR_TEST_${prefix}`;
    const outboxPath = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite');
    const apps: INestApplication[] = [];
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      const nc = await connect({ servers: '127.0.0.1:4222' });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    });

    const gateway = async (url: string) => {
      const app = await createTestGateway({
        GATEWAY_API_KEYS: API_KEY,
        EVENTS_BROKER_URL: url,
        EVENTS_BROKER_STREAM: stream,
        EVENTS_BROKER_SUBJECT_PREFIX: prefix,
        EVENTS_OUTBOX_PATH: outboxPath,
      });
      apps.push(app);
      return app;
    };
    /** The `ehr_broker_*` samples (unlabelled), by name without the prefix. */
    const brokerMetrics = async (app: INestApplication) => {
      const { text } = await request(app.getHttpServer()).get('/metrics').set(auth).expect(200);
      return Object.fromEntries([...text.matchAll(/^ehr_broker_(\w+) (\S+)$/gm)].map(([, name, v]) => [name, +v]));
    };

    it('parks events in the outbox while NATS is away and counts their drain once it is reached', async () => {
      const away = await gateway(`nats://127.0.0.1:${await unusedPort()}`);
      for (let i = 0; i < 3; i++) {
        await request(away.getHttpServer()).get('/fhir/local/Patient?_count=1').set(auth).expect(200);
      }
      await away.get(EventDispatcher).idle();
      expect(await brokerMetrics(away)).toEqual({
        connected: 0,
        outbox_depth: 3,
        outboxed_total: 3,
        published_total: 0,
        drained_total: 0,
        dropped_total: 0,
      });
      await away.close();
      apps.splice(apps.indexOf(away), 1);

      const back = await gateway('nats://127.0.0.1:4222');
      await back.get(EventBrokerPublisher).flushed(30_000);
      await request(back.getHttpServer()).get('/fhir/local/Patient?_count=1').set(auth).expect(200);
      await back.get(EventDispatcher).idle();
      // The new gateway parked nothing itself: it drained what the first one left.
      expect(await brokerMetrics(back)).toEqual({
        connected: 1,
        outbox_depth: 0,
        outboxed_total: 0,
        published_total: 4,
        drained_total: 3,
        dropped_total: 0,
      });
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
      expect(ready.body.info).toMatchObject({ store: { status: 'up' }, 'source:epic': { status: 'up' } });
      // Public: up or down with a fixed message, no auth mode, no error text.
      expect(Object.keys(ready.body.info['source:epic']).sort()).toEqual(['responseTime', 'status']);
      expect(ready.body.error).toEqual({
        'source:gone': {
          status: 'down',
          message: 'the source did not answer its metadata',
          responseTime: expect.any(Number),
        },
      });
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
