import { spawn } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FixtureOperationsModule } from './support/events-fixture';
import { createTestGateway } from './support/gateway-app';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';

describe('gateway (e2e)', () => {
  let app: INestApplication;
  afterEach(async () => app?.close());

  it('answers /health and serves the OpenAPI docs', async () => {
    app = await createTestGateway();
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    await request(app.getHttpServer())
      .get('/docs-json')
      .expect(200)
      .expect(/"\/health"/);
    await request(app.getHttpServer())
      .get('/docs')
      .expect(200)
      .expect(/swagger/i);
  });

  it('echoes X-Request-Id and generates one when absent', async () => {
    app = await createTestGateway();
    const kept = await request(app.getHttpServer()).get('/health').set('X-Request-Id', 'abc-123');
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const generated = await request(app.getHttpServer()).get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('API-key guard', () => {
    beforeEach(async () => {
      app = await createTestGateway(
        { GATEWAY_API_KEYS: `${KEY_A}, ${KEY_B}`, CORS_ORIGINS: 'https://ehr.example.org' },
        [FixtureOperationsModule],
      );
    });

    it('refuses a request without a key or with a wrong one', async () => {
      const missing = await request(app.getHttpServer()).get('/ops/ehr.generic').expect(401);
      expect(missing.body.message).toMatch(/API key is required/);
      const wrong = await request(app.getHttpServer())
        .get('/ops/ehr.generic')
        .set('X-API-Key', `${KEY_A}x`)
        .expect(401);
      expect(wrong.body.message).toBe('The API key is not valid');
      expect(JSON.stringify(wrong.body)).not.toContain(KEY_A);
    });

    it('lets a right key through, as Bearer or X-API-Key', async () => {
      await request(app.getHttpServer()).get('/ops/ehr.generic').set('Authorization', `Bearer ${KEY_B}`).expect(200);
      await request(app.getHttpServer()).get('/ops/ehr.generic').set('X-API-Key', KEY_A).expect(200);
    });

    it('exempts /health', async () => {
      await request(app.getHttpServer()).get('/health').expect(200);
    });

    it('never blocks a CORS preflight', async () => {
      const preflight = await request(app.getHttpServer())
        .options('/ops/ehr.generic')
        .set('Origin', 'https://ehr.example.org')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    });
  });

  it('refuses to boot on invalid configuration, naming the key', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/gateway/src/main.ts'], {
      env: { ...process.env, NODE_OPTIONS: '', PORT: 'eighty', EVENTS_DELIVERY: 'sometimes' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(78);
    expect(stderr).toContain('Invalid gateway configuration');
    expect(stderr).toMatch(/PORT="eighty"/);
    expect(stderr).toMatch(/EVENTS_DELIVERY="sometimes"/);
  });

  it('leaves the CDS routes to the CDS JWT check when it is on, and guards them with API keys when it is off', async () => {
    app = await createTestGateway({ GATEWAY_API_KEYS: KEY_A });
    await request(app.getHttpServer()).get('/cds-services').expect(401);
    await request(app.getHttpServer()).get('/cds-services').set('X-API-Key', KEY_A).expect(200);
    const fhir = await request(app.getHttpServer()).get('/fhir/local/Patient').expect(401);
    expect(fhir.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'security' }] });
    await app.close();

    app = await createTestGateway({
      GATEWAY_API_KEYS: KEY_A,
      CDS_JWT_ENABLED: 'true',
      CDS_JWT_ISSUERS: JSON.stringify({ 'https://ehr.example.org': 'https://ehr.example.org/jwks.json' }),
    });
    const cds = await request(app.getHttpServer()).get('/cds-services');
    expect(cds.status).toBe(401);
    expect(cds.text).toBe(''); // the CDS check's bare 401, not the API-key guard's JSON
    await request(app.getHttpServer()).get('/fhir/local/Patient').expect(401);
  });
});
