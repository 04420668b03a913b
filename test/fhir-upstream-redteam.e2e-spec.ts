import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { FhirError, FhirGateway, LargeBodySlots, UpstreamFhirBackend, resolveSource } from '@ehr-gateway/fhir';
import request from 'supertest';
import { EventLogModule, eventsOf, payloadOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';

/**
 * Regression tests of the red-team findings on the upstream side (report of
 * 2026-12-05), each against a real local FHIR server (MockEhrServer) over HTTP.
 */
const SECRET = 'redteam-client-secret';
const FHIR_JSON = { 'content-type': 'application/fhir+json' };
const HTML = { 'content-type': 'text/html' };

/** A plain HTTP server that records what reaches it (the "other host" of a redirect). */
async function recordingServer(): Promise<{ url: string; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"stolen","expires_in":3600}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

describe('red-team findings, upstream side (e2e)', () => {
  let ehr: MockEhrServer;
  let app: INestApplication;
  let events: ReturnType<typeof eventsOf>;
  const connection = (options = '') =>
    `${ehr.url}/fhir/R4?client_id=gateway-app&client_secret=${SECRET}&token_url=${encodeURIComponent(`${ehr.url}/oauth2/token`)}&timeout=5${options}`;
  const start = async (env: Record<string, string> = {}, options = '') => {
    app = await createTestGateway({ FHIR_SOURCES: JSON.stringify({ up: connection(options) }), ...env }, [
      EventLogModule,
    ]);
    events = eventsOf(app);
  };

  beforeEach(async () => {
    ehr = await new MockEhrServer({ id: 'gateway-app', secret: SECRET }).start();
  });
  afterEach(async () => {
    await app?.close();
    await ehr.stop();
  });

  describe('finding 6: the client secret never leaves through the token endpoint', () => {
    it('does not follow a redirect of the token request (307 to another host)', async () => {
      const other = await recordingServer();
      try {
        ehr.tokenAnswer = { status: 307, headers: { location: `${other.url}/steal` } };
        await start();
        const response = await request(app.getHttpServer()).get('/fhir/up/Patient/p1').expect(502);
        expect(response.body.issue[0].diagnostics).toBe(
          "FHIR source 'up': token endpoint answered with a redirect (not followed)",
        );
        expect(other.received).toEqual([]);
        expect(ehr.fhirRequests).toEqual([]);
      } finally {
        other.server.close();
      }
    });

    it('refuses a token_url that is not https (or loopback http) at configuration', () => {
      const base = 'https://ehr.example.org/R4?client_id=gw&client_secret=S3CRET&token_url=';
      expect(() => resolveSource('epic', `${base}http://auth.example.org/token`)).toThrow(
        "FHIR source 'epic': token_url may use http:// only for loopback hosts unless allowInsecureHttp is set",
      );
      expect(() => resolveSource('epic', `${base}ftp://auth.example.org/token`)).toThrow(
        "FHIR source 'epic': token_url has an unsupported scheme ftp: (use https://)",
      );
      expect(() => resolveSource('epic', `${base}not-a-url`)).toThrow("FHIR source 'epic': token_url is not a URL");
      const allowed = resolveSource('epic', `${base}http://auth.example.org/token`, true).auth;
      expect(allowed).toMatchObject({ tokenUrl: 'http://auth.example.org/token' });
      expect(() =>
        resolveSource('epic', {
          baseUrl: 'https://ehr.example.org/R4',
          auth: { type: 'client_secret', clientId: 'gw', clientSecret: 's', tokenUrl: 'ftp://auth.example.org/t' },
        }),
      ).toThrow(/token_url has an unsupported scheme ftp:/);
    });
  });

  describe('finding 10: ids made only of dots are refused, path segments are encoded', () => {
    it('answers 400 naming the id for `..` and `.`, and sends nothing upstream', async () => {
      await start();
      const server = app.getHttpServer();
      for (const path of ['/fhir/up/Patient/%2E%2E/Observation', '/fhir/up/Patient/%2E%2E', '/fhir/up/Patient/.']) {
        const response = await request(server).get(path).expect(400);
        expect(response.body.issue[0].diagnostics).toBe('The id segment is not a valid FHIR id');
      }
      expect(ehr.fhirRequests).toEqual([]);
    });

    it('refuses dot segments from code and percent-encodes each path segment', async () => {
      const backend = new UpstreamFhirBackend(resolveSource('up', connection()));
      try {
        await expect(backend.request({ method: 'GET', path: 'Patient/../Observation' })).rejects.toMatchObject({
          status: 400,
          message: 'A path segment made only of dots is not a FHIR id or type',
        });
        await backend.request({ method: 'GET', path: 'Patient/a b#c%2E/$everything?_count=1' });
        expect(ehr.fhirRequests.map((r) => r.url)).toEqual(['Patient/a%20b%23c%252E/$everything?_count=1']);
      } finally {
        await backend.close();
      }
    });
  });

  describe('finding 11: /health/ready is cached, negative-caches token failures, tells nothing more than up/down', () => {
    it('makes one upstream check for many calls within the cache time', async () => {
      await start({ HEALTH_READY_CACHE_MS: '60000' });
      const server = app.getHttpServer();
      await Promise.all([1, 2, 3].map(() => request(server).get('/health/ready').expect(200)));
      const again = await request(server).get('/health/ready').expect(200);
      expect(ehr.fhirRequests.filter((r) => r.url === 'metadata')).toHaveLength(1);
      expect(ehr.tokenEndpointCalls).toBe(1);
      expect(again.body.info['source:up']).toEqual({
        status: 'up',
        responseTime: expect.any(Number),
        cachedResponse: true,
      });
    });

    it('asks a failing token endpoint once per back-off, and says only "down"', async () => {
      ehr.tokenAnswer = {
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"invalid_client"}',
      };
      await start({ HEALTH_READY_CACHE_MS: '0' });
      const server = app.getHttpServer();
      for (let i = 0; i < 5; i++) {
        const ready = await request(server).get('/health/ready').expect(503);
        expect(ready.body.error).toEqual({
          'source:up': {
            status: 'down',
            message: 'the source did not answer its metadata',
            responseTime: expect.any(Number),
          },
        });
        expect(JSON.stringify(ready.body)).not.toMatch(/client_secret|invalid_client|token|auth|HTTP/);
      }
      expect(ehr.tokenEndpointCalls).toBe(1);
    });
  });

  describe('finding 12: upstream bodies are bounded per source and in number', () => {
    it('refuses a body over the source max_response_mb with 502', async () => {
      const body = JSON.stringify({ resourceType: 'Patient', id: 'big', text: 'a'.repeat(1.5 * 1024 * 1024) });
      ehr.rawAnswers.set('Patient/big', [{ status: 200, headers: FHIR_JSON, body }]);
      await start({}, '&max_response_mb=1');
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient/big').expect(502);
      expect(response.body.issue[0].diagnostics).toBe("FHIR source 'up' answered with a body over its size limit");
    });

    it('answers 503 with Retry-After when every large-body slot is taken, and serves it once one is free', async () => {
      const body = JSON.stringify({ resourceType: 'Patient', id: 'large', text: 'a'.repeat(1.2 * 1024 * 1024) });
      ehr.rawAnswers.set('Patient/large', [
        { status: 200, headers: FHIR_JSON, body },
        { status: 200, headers: FHIR_JSON, body },
      ]);
      const slots = new LargeBodySlots(1);
      const backend = new UpstreamFhirBackend(resolveSource('up', connection()), undefined, slots);
      try {
        const release = slots.tryAcquire()!;
        const refused = await backend.request({ method: 'GET', path: 'Patient/large' }).catch((error) => error);
        expect(refused).toBeInstanceOf(FhirError);
        expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
        release();
        const answer = await backend.request({ method: 'GET', path: 'Patient/large' });
        expect(answer).toMatchObject({ status: 200, body: { resourceType: 'Patient', id: 'large' } });
        expect(slots.tryAcquire()).toBeDefined(); // given back after parsing
      } finally {
        await backend.close();
      }
    });
  });

  describe('finding 13: POST _search ANDs repeated parameters exactly as GET', () => {
    it('sends each value of a repeated form parameter as its own parameter', async () => {
      await start();
      const server = app.getHttpServer();
      await request(server).get('/fhir/up/Observation?date=ge2020-01-01&date=le2020-01-31');
      await request(server)
        .post('/fhir/up/Observation/_search')
        .type('form')
        .send('date=ge2020-01-01&date=le2020-01-31');
      expect(ehr.fhirRequests.map((r) => [r.method, r.url])).toEqual([
        ['GET', 'Observation?date=ge2020-01-01&date=le2020-01-31'],
        ['GET', 'Observation?date=ge2020-01-01&date=le2020-01-31'],
      ]);
    });
  });

  describe('finding 14: the status decides retry and re-auth; non-JSON error bodies keep their status', () => {
    it('refreshes the token once after a 401 with an HTML body', async () => {
      ehr.rawAnswers.set('Patient/p1', [{ status: 401, headers: HTML, body: '<html>Unauthorized</html>' }]);
      await start();
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient/p1').expect(200);
      expect(response.body).toMatchObject({ resourceType: 'Patient', id: 'p1' });
      expect(ehr.tokenEndpointCalls).toBe(2);
    });

    it('retries a 503 with an HTML body', async () => {
      ehr.rawAnswers.set('Patient/p1', [
        { status: 503, headers: { ...HTML, 'retry-after': '0' }, body: '<html>busy</html>' },
      ]);
      await start();
      await request(app.getHttpServer()).get('/fhir/up/Patient/p1').expect(200);
      expect(ehr.fhirRequests.map((r) => r.url)).toEqual(['Patient/p1', 'Patient/p1']);
    });

    it('keeps a 404 with an HTML body a 404, as an OperationOutcome', async () => {
      ehr.rawAnswers.set('Patient/gone', [{ status: 404, headers: HTML, body: '<html>Not found</html>' }]);
      await start();
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient/gone').expect(404);
      expect(response.body).toEqual({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'not-found',
            diagnostics: "FHIR source 'up' answered HTTP 404 with a body that is not FHIR JSON",
          },
        ],
      });
      expect((await events()).map((e) => [e.eventType, payloadOf(e).status, payloadOf(e).error])).toEqual([
        ['fhir.read', 404, 'not-found'],
      ]);
    });

    it('still answers 502 for a success status with a body that is not JSON', async () => {
      ehr.rawAnswers.set('Patient/p1', [{ status: 200, headers: HTML, body: '<html>hello</html>' }]);
      await start();
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient/p1').expect(502);
      expect(response.body.issue[0].diagnostics).toBe("FHIR source 'up' answered with a body that is not JSON");
    });
  });

  describe('finding 15: absolute links leaving the source base are not passed on', () => {
    it('drops foreign Bundle links and full URLs, rewrites those under the base', async () => {
      ehr.rawAnswers.set('Patient?name=x', [
        {
          status: 200,
          headers: FHIR_JSON,
          body: JSON.stringify({
            resourceType: 'Bundle',
            type: 'searchset',
            link: [
              { relation: 'self', url: `${ehr.url}/fhir/R4/Patient?name=x` },
              { relation: 'next', url: 'https://evil.example/R4/Patient?page=2' },
            ],
            entry: [
              { fullUrl: 'https://evil.example/R4/Patient/1', resource: { resourceType: 'Patient', id: '1' } },
              { fullUrl: `${ehr.url}/fhir/R4/Patient/2`, resource: { resourceType: 'Patient', id: '2' } },
            ],
          }),
        },
      ]);
      await start();
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient?name=x').expect(200);
      const gateway = `${new URL(response.request.url).origin}/fhir/up`;
      expect(response.body).toEqual({
        resourceType: 'Bundle',
        type: 'searchset',
        link: [{ relation: 'self', url: `${gateway}/Patient?name=x` }],
        entry: [
          { resource: { resourceType: 'Patient', id: '1' } },
          { fullUrl: `${gateway}/Patient/2`, resource: { resourceType: 'Patient', id: '2' } },
        ],
      });
    });

    it('never passes on a redirect leaving the base (502, no Location)', async () => {
      ehr.rawAnswers.set('Patient/redir', [{ status: 302, headers: { location: 'https://evil.example/steal' } }]);
      await start();
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient/redir').expect(502);
      expect(response.headers.location).toBeUndefined();
      expect(response.body.issue[0].diagnostics).toBe("FHIR source 'up' redirected outside its base");
    });

    it('removes a Location header pointing elsewhere from a created answer', async () => {
      ehr.rawAnswers.set('Patient', [
        { status: 201, headers: { ...FHIR_JSON, location: 'https://evil.example/R4/Patient/9/_history/1' } },
      ]);
      await start();
      const response = await request(app.getHttpServer())
        .post('/fhir/up/Patient')
        .set('content-type', 'application/fhir+json')
        .send({ resourceType: 'Patient' })
        .expect(201);
      expect(response.headers.location).toBeUndefined();
    });
  });

  describe('finding 16 and FhirError.message: upstream free text stays out of events and messages', () => {
    const phiOutcome = {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'Patient John Smith SSN 123-45-6789 invalid',
          expression: ['Patient.name[0] = John Smith', 'Patient.birthDate', "Patient.identifier.where(value='123')"],
        },
      ],
    };

    it('keeps only FHIRPath element paths in the event, and the outcome whole for the caller', async () => {
      ehr.rawAnswers.set('Patient/oo', [{ status: 422, headers: FHIR_JSON, body: JSON.stringify(phiOutcome) }]);
      await start();
      const response = await request(app.getHttpServer()).get('/fhir/up/Patient/oo').expect(422);
      expect(response.body).toEqual(phiOutcome);
      const [event] = await events();
      expect(payloadOf(event).error).toBe('invalid at Patient.birthDate');
      expect(JSON.stringify(event)).not.toMatch(/John|123/);
    });

    it('gives code callers a FhirError whose message has no diagnostics', async () => {
      ehr.rawAnswers.set('Patient/oo', [{ status: 422, headers: FHIR_JSON, body: JSON.stringify(phiOutcome) }]);
      await start();
      const error = (await app
        .get(FhirGateway)
        .read('Patient', 'oo', { source: 'up' })
        .catch((caught: unknown) => caught)) as FhirError;
      expect(error.message).toBe('FHIR source answered HTTP 422: invalid at Patient.birthDate');
      expect(error.outcome).toEqual(phiOutcome);
    });
  });

  describe('unconfirmed, confirmed: _summary and _elements on reads were dropped', () => {
    it('passes _summary and _elements of a read or vread on, and nothing else', async () => {
      await start();
      const server = app.getHttpServer();
      await request(server).get('/fhir/up/Patient/p1?_summary=true&name=x');
      await request(server).get('/fhir/up/Patient/p1/_history/7?_elements=name,gender');
      expect(ehr.fhirRequests.map((r) => r.url)).toEqual([
        'Patient/p1?_summary=true',
        'Patient/p1/_history/7?_elements=name%2Cgender',
      ]);
    });
  });

  describe('finding 24: error diagnostics never echo submitted values', () => {
    it('says "unknown source", "unknown resource type" and "does not match" without the values', async () => {
      await start();
      const server = app.getHttpServer();
      const source = await request(server).get('/fhir/JaneDoe-19800101/Patient/1').expect(404);
      expect(source.body.issue[0].diagnostics).toBe('Unknown FHIR source');
      const type = await request(server).get('/fhir/local/JaneDoe/1').expect(404);
      expect(type.body.issue[0].diagnostics).toBe('Unknown resource type');
      const mismatch = await request(server)
        .put('/fhir/local/Patient/abc')
        .set('content-type', 'application/fhir+json')
        .send({ resourceType: 'Observation', id: 'SSN-123-45-6789' })
        .expect(400);
      expect(mismatch.body.issue[0].diagnostics).toBe("The body's resourceType does not match the URL's type");
      const id = await request(server)
        .put('/fhir/local/Patient/abc')
        .set('content-type', 'application/fhir+json')
        .send({ resourceType: 'Patient', id: 'SSN-123-45-6789' })
        .expect(400);
      expect(id.body.issue[0].diagnostics).toBe("The body's id does not match the URL's id");
    });
  });
});
