import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { exportJWK } from 'jose';
import request from 'supertest';
import { EventLogModule, eventsOf, payloadOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';
import { unusedPort } from './support/ports';

const SECRET = 's3cr3t-client-secret';

async function gatewayWith(sources: Record<string, string>) {
  const app = await createTestGateway({ FHIR_SOURCES: JSON.stringify(sources) }, [EventLogModule]);
  return { app, gateway: app.get(FhirGateway), events: eventsOf(app) };
}

describe('FHIR gateway to upstream servers (e2e)', () => {
  describe('OAuth2 client credentials with a secret', () => {
    let ehr: MockEhrServer;
    let subject: Awaited<ReturnType<typeof gatewayWith>>;

    beforeEach(async () => {
      ehr = await new MockEhrServer({ id: 'gateway-app', secret: SECRET }).start();
      const connection = `${ehr.url}/fhir/R4?client_id=gateway-app&client_secret=${SECRET}&token_url=${encodeURIComponent(`${ehr.url}/oauth2/token`)}&scope=system/*.read&timeout=2`;
      subject = await gatewayWith({ epic: connection });
    });
    afterEach(async () => {
      await subject.app.close();
      await ehr.stop();
    });

    it('fetches one token for concurrent callers and sends it as a bearer token', async () => {
      const patients = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => subject.gateway.read<Patient>('Patient', `p${i}`, { source: 'epic' })),
      );
      expect(patients.map((p) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      expect(ehr.tokenRequests).toEqual([{ clientAuth: 'secret' }]);
      expect(new Set(ehr.fhirRequests.map((r) => r.authorization))).toEqual(new Set(['Bearer token-1']));
      const events = await subject.events();
      expect(events).toHaveLength(5);
      expect(events[0]).toMatchObject({
        sourceSystem: 'epic',
        payload: { operation: 'read', source: 'epic', versionId: '7', status: 200 },
      });
      expect(JSON.stringify(events)).not.toMatch(/token-1|s3cr3t/);
    });

    it('invalidates the token on a 401 and retries once with a fresh one', async () => {
      await subject.gateway.read('Patient', 'p1', { source: 'epic' });
      ehr.revokeTokens();
      const patient = await subject.gateway.read<Patient>('Patient', 'p2', { source: 'epic' });
      expect(patient.id).toBe('p2');
      expect(ehr.tokenRequests).toHaveLength(2);
      expect(ehr.fhirRequests.map((r) => r.authorization)).toEqual([
        'Bearer token-1',
        'Bearer token-1',
        'Bearer token-2',
      ]);
      expect((await subject.events()).map((e) => e.payload.status)).toEqual([200, 200]);
    });

    it('refreshes a token before it expires', async () => {
      ehr.tokenLifetimeSeconds = 30; // inside the refresh margin: every call refreshes
      await subject.gateway.read('Patient', 'p1', { source: 'epic' });
      await subject.gateway.read('Patient', 'p2', { source: 'epic' });
      expect(ehr.tokenRequests).toHaveLength(2);
    });

    it('retries a 503 honouring Retry-After, then answers; one event', async () => {
      ehr.queuedFailures.push(
        { status: 503, headers: { 'retry-after': '0' } },
        { status: 429, headers: { 'retry-after': '0' } },
      );
      const response = await request(subject.app.getHttpServer()).get('/fhir/epic/Patient/p9').expect(200);
      expect(response.body.id).toBe('p9');
      expect(response.headers.etag).toBe('W/"7"');
      expect(ehr.fhirRequests).toHaveLength(3);
      expect((await subject.events()).map((e) => [e.eventType, e.payload.status])).toEqual([['fhir.read', 200]]);
    });

    it('passes the upstream status and OperationOutcome on when retries run out, and never retries a POST', async () => {
      ehr.queuedFailures.push({ status: 503 }, { status: 503 }, { status: 503 });
      const response = await request(subject.app.getHttpServer()).get('/fhir/epic/Patient/p9').expect(503);
      expect(response.body.issue[0].diagnostics).toBe('failure 503');
      expect(ehr.fhirRequests).toHaveLength(3);

      ehr.queuedFailures.push({ status: 503 });
      await request(subject.app.getHttpServer())
        .post('/fhir/epic/Patient')
        .send({ resourceType: 'Patient' })
        .expect(503);
      expect(ehr.fhirRequests).toHaveLength(4);
      expect((await subject.events()).map((e) => [e.eventType, e.payload.outcome, e.payload.status])).toEqual([
        ['fhir.read', 'failure', 503],
        ['fhir.create', 'failure', 503],
      ]);
    });

    it('answers a hung upstream with 504 and records the failure', async () => {
      ehr.hangingPaths.add('Patient/slow');
      const response = await request(subject.app.getHttpServer()).get('/fhir/epic/Patient/slow').expect(504);
      expect(response.body.issue[0]).toMatchObject({
        code: 'timeout',
        diagnostics: "FHIR source 'epic' did not answer within 2000 ms",
      });
      expect((await subject.events()).map((e) => [e.eventType, e.payload.outcome, e.payload.status])).toEqual([
        ['fhir.read', 'failure', 504],
      ]);
    });

    it('reports status with auth mode and token state but no secret or token', async () => {
      await subject.gateway.read('Patient', 'p1', { source: 'epic' });
      const status = await request(subject.app.getHttpServer()).get('/fhir/status').expect(200);
      expect(status.body.sources.epic).toMatchObject({
        reachable: true,
        auth: 'client_secret',
        token: { state: 'valid' },
        default: false,
      });
      expect(JSON.stringify(status.body)).not.toMatch(/s3cr3t|token-1/);
    });
  });

  it('signs SMART Backend Services assertions (RS384, kid, unique jti, exp <= 5 min) verified against a JWKS', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS384' };
    const keyFile = join(mkdtempSync(join(tmpdir(), 'smart-')), 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const ehr = await new MockEhrServer({ id: 'backend-app', jwks: { keys: [jwk] } }).start();
    const connection = `${ehr.url}/fhir/R4?client_id=backend-app&use_jwt_assertion=true&private_key_path=${encodeURIComponent(keyFile)}&key_id=key-1&token_url=${encodeURIComponent(`${ehr.url}/oauth2/token`)}`;
    const subject = await gatewayWith({ epic: connection });
    try {
      await subject.gateway.read('Patient', 'p1', { source: 'epic' });
      ehr.revokeTokens();
      await subject.gateway.read('Patient', 'p2', { source: 'epic' });
      expect(ehr.tokenRequests).toHaveLength(2);
      const [first, second] = ehr.tokenRequests.map((r) => r.assertion!);
      expect(first).toMatchObject({ alg: 'RS384', kid: 'key-1' });
      expect(first.jti).not.toBe(second.jti);
      expect(first.exp - Date.now() / 1000).toBeLessThanOrEqual(300);
    } finally {
      await subject.app.close();
      await ehr.stop();
    }
  });

  it('answers a closed port with 502', async () => {
    const subject = await gatewayWith({ gone: `http://127.0.0.1:${await unusedPort()}/fhir` });
    try {
      const response = await request(subject.app.getHttpServer()).get('/fhir/gone/Patient/1').expect(502);
      expect(response.body.issue[0]).toMatchObject({
        code: 'transient',
        diagnostics: expect.stringMatching(/FHIR source 'gone' is unreachable \(ECONNREFUSED\)/),
      });
      expect((await subject.events()).map((e) => [e.sourceSystem, e.payload.status])).toEqual([['gone', 502]]);
    } finally {
      await subject.app.close();
    }
  });

  describe('proxying another FHIR server (a second gateway on its own port)', () => {
    let upstream: INestApplication;
    let subject: Awaited<ReturnType<typeof gatewayWith>>;
    let upstreamUrl: string;

    beforeAll(async () => {
      upstream = await createTestGateway({ FHIR_SEED_PATIENTS: '4' });
      await upstream.listen(0, '127.0.0.1');
      upstreamUrl = `${await upstream.getUrl()}/fhir/local`;
      subject = await gatewayWith({ remote: upstreamUrl });
    });
    afterAll(async () => {
      await subject.app.close();
      await upstream.close();
    });

    it('passes statuses and headers through and rewrites Location to the gateway', async () => {
      const server = subject.app.getHttpServer();
      const created = await request(server)
        .post('/fhir/remote/Patient')
        .set('Content-Type', 'application/fhir+json')
        .send({ resourceType: 'Patient', name: [{ family: 'Proxied' }] })
        .expect(201);
      expect(created.headers.etag).toBe('W/"1"');
      expect(created.headers['last-modified']).toBeDefined();
      expect(created.headers.location).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/fhir\/remote\/Patient\/[\w-]+\/_history\/1$/,
      );
      expect(created.headers.location).not.toContain(upstreamUrl);

      const id = created.body.id as string;
      await request(server)
        .put(`/fhir/remote/Patient/${id}`)
        .set('If-Match', 'W/"1"')
        .send({ ...created.body, gender: 'female' })
        .expect(200);
      const conflict = await request(server)
        .put(`/fhir/remote/Patient/${id}`)
        .set('If-Match', 'W/"1"')
        .send(created.body)
        .expect(412);
      expect(conflict.body.issue[0].diagnostics).toMatch(/If-Match/);
      expect((await subject.events()).map((e) => [e.eventType, e.sourceSystem, e.payload.status])).toEqual([
        ['fhir.create', 'remote', 201],
        ['fhir.update', 'remote', 200],
        ['fhir.update', 'remote', 412],
      ]);
    });

    it('takes a source added at runtime through FhirSources', async () => {
      subject.gateway.addSource('late', upstreamUrl);
      const bundle = await subject.gateway.search('Patient', { _count: 1 }, { source: 'late' });
      expect(bundle.total).toBeGreaterThanOrEqual(4);
      expect(() => subject.gateway.addSource('late', upstreamUrl)).toThrow(/configured twice/);
      expect(() => subject.gateway.addSource('status', upstreamUrl)).toThrow(/reserved/);
      expect((await subject.events()).map((e) => [e.eventType, e.sourceSystem])).toEqual([['fhir.search', 'late']]);
    });

    it('rewrites paging links to the gateway and follows them', async () => {
      const first = await request(subject.app.getHttpServer()).get('/fhir/remote/Observation?_count=3').expect(200);
      const bundle = first.body as Bundle;
      const next = bundle.link!.find((link) => link.relation === 'next')!.url;
      expect(next).toMatch(/\/fhir\/remote\/Observation\?/);
      expect(JSON.stringify(bundle)).not.toContain(upstreamUrl);
      const second = await request(subject.app.getHttpServer())
        .get(new URL(next).pathname + new URL(next).search)
        .expect(200);
      expect((second.body as Bundle).entry).toHaveLength(3);
      expect((await subject.events()).map((e) => [e.eventType, payloadOf(e).resultCount])).toEqual([
        ['fhir.search', bundle.total],
        ['fhir.search', bundle.total],
      ]);
    });
  });
});
