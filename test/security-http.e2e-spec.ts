import type { INestApplication } from '@nestjs/common';
import type { Bundle } from '@medplum/fhirtypes';
import request from 'supertest';
import { EHREventType } from '@ehr-gateway/events';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';

const KEY = 'k'.repeat(24);

describe('Security: HTTP front (e2e)', () => {
  const apps: INestApplication[] = [];
  const gateway = async (env: Record<string, string> = {}) => {
    const app = await createTestGateway(env);
    apps.push(app);
    return request(app.getHttpServer());
  };
  afterAll(async () => Promise.all(apps.map((app) => app.close())));
  // Tests here start their own gateways: give them room on a loaded machine.
  jest.setTimeout(90_000);

  describe('security headers and caching', () => {
    let http: ReturnType<typeof request>;
    beforeAll(async () => (http = await gateway()));

    it.each([
      ['FHIR', '/fhir/local/Patient?_count=1'],
      ['CDS discovery', '/cds-services'],
      ['the NoteReader WSDL', '/notereader?wsdl'],
      ['an error', '/fhir/local/Patient/does-not-exist'],
    ])('%s: nosniff, no-referrer, frame-ancestors none, Cache-Control no-store', async (_, path) => {
      const response = await http.get(path);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });

    it('12 of 13 cached reads: every read of a patient is no-store, so each of 13 reaches the gateway (13 read events)', async () => {
      const app = await createTestGateway({}, [EventLogModule]);
      apps.push(app);
      const events = eventsOf(app);
      const reads = request(app.getHttpServer());
      const id = ((await reads.get('/fhir/local/Patient?_count=1').expect(200)).body as Bundle).entry![0].resource!.id;
      await events();
      for (let i = 0; i < 13; i++) {
        const response = await reads.get(`/fhir/local/Patient/${id}`).expect(200);
        expect(response.headers['cache-control']).toBe('no-store');
      }
      expect((await events()).filter((event) => event.eventType === EHREventType.FHIR_READ)).toHaveLength(13);
    });

    it('HSTS when the public URL is https', async () => {
      const https = await gateway({ GATEWAY_PUBLIC_URL: 'https://gateway.example.org' });
      const response = await https.get('/health').expect(200);
      expect(response.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    });
  });

  describe('CORS', () => {
    it('by default, no cross-origin access for any Origin, null included', async () => {
      const http = await gateway();
      for (const origin of ['https://evil.example', 'null']) {
        const response = await http.get('/fhir/local/Patient?_count=1').set('Origin', origin).expect(200);
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('listed origins only, matched exactly, never null', async () => {
      const http = await gateway({ CORS_ORIGINS: 'https://ehr.example.org' });
      const allowed = await http.get('/health').set('Origin', 'https://ehr.example.org');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://ehr.example.org');
      for (const origin of ['https://evil.example', 'null', 'https://ehr.example.org.evil.example']) {
        const refused = await http.get('/health').set('Origin', origin);
        expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('* when set explicitly: a literal *, without credentials, never the reflected Origin', async () => {
      const http = await gateway({ CORS_ORIGINS: '*' });
      const response = await http.get('/health').set('Origin', 'null');
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });

  describe('/docs', () => {
    it.each(['/docs', '/docs-json'])('%s is behind the API-key check when keys are set', async (path) => {
      const http = await gateway({ GATEWAY_API_KEYS: KEY });
      await http.get(path).expect(401);
      await http.get(path).set('X-API-Key', 'not-the-key-at-all-xxxxx').expect(401);
      await http
        .get(path)
        .set('X-API-Key', KEY)
        .expect((response) => expect(response.status).toBeLessThan(400));
    });

    it('GATEWAY_DOCS=public serves it without a key; GATEWAY_DOCS=off not at all', async () => {
      const open = await gateway({ GATEWAY_API_KEYS: KEY, GATEWAY_DOCS: 'public' });
      await open.get('/docs-json').expect(200);
      const off = await gateway({ GATEWAY_API_KEYS: KEY, GATEWAY_DOCS: 'off' });
      await off.get('/docs-json').set('X-API-Key', KEY).expect(404);
    });
  });

  describe('one public URL: the Host header is not trusted', () => {
    const PUBLIC = 'https://gateway.example.org';
    let http: ReturnType<typeof request>;
    beforeAll(async () => (http = await gateway({ GATEWAY_PUBLIC_URL: PUBLIC })));

    it('Bundle self/next links and fullUrls come from GATEWAY_PUBLIC_URL, not Host: evil.example', async () => {
      const response = await http.get('/fhir/local/Patient?_count=1').set('Host', 'evil.example').expect(200);
      const bundle = response.body as Bundle;
      const urls = [...(bundle.link ?? []).map((link) => link.url), ...(bundle.entry ?? []).map((e) => e.fullUrl)];
      expect(bundle.link?.map((link) => link.relation)).toEqual(expect.arrayContaining(['self', 'next']));
      expect(urls.length).toBeGreaterThan(2);
      for (const url of urls) expect(url).toMatch(/^https:\/\/gateway\.example\.org\/fhir\/local\//);
    });

    it('Location of a create comes from GATEWAY_PUBLIC_URL', async () => {
      const response = await http
        .post('/fhir/local/Patient')
        .set('Host', 'evil.example')
        .set('content-type', 'application/fhir+json')
        .send(JSON.stringify({ resourceType: 'Patient' }))
        .expect(201);
      expect(response.headers.location).toMatch(/^https:\/\/gateway\.example\.org\/fhir\/local\/Patient\//);
    });

    it('the WSDL soap:address comes from GATEWAY_PUBLIC_URL', async () => {
      const response = await http.get('/notereader?wsdl').set('Host', 'evil.example').expect(200);
      expect(response.text).toContain('location="https://gateway.example.org/notereader"');
      expect(response.text).not.toContain('evil.example');
    });
  });

  describe('forwarded headers', () => {
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' };
    const selfLink = async (http: ReturnType<typeof request>) => {
      const response = await http.get('/fhir/local/Patient?_count=1').set(forwarded).expect(200);
      return (response.body as Bundle).link!.find((link) => link.relation === 'self')!.url;
    };

    it('are ignored without TRUST_PROXY', async () => {
      expect(await selfLink(await gateway())).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir\/local\//);
    });

    it('are honoured from the proxies TRUST_PROXY names', async () => {
      expect(await selfLink(await gateway({ TRUST_PROXY: 'loopback' }))).toMatch(
        /^https:\/\/evil\.example\/fhir\/local\//,
      );
    });
  });
});
