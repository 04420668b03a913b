import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';

const KEY_A = 'rate-limit-key-aaaaaaaa';
const KEY_B = 'rate-limit-key-bbbbbbbb';

describe('per-client rate limit (RATE_LIMIT_REQUESTS)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createTestGateway({
      RATE_LIMIT_REQUESTS: '3',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      GATEWAY_API_KEYS: `${KEY_A},${KEY_B}`,
    });
  });
  afterAll(async () => app.close());

  const metadata = (key: string) => request(app.getHttpServer()).get('/fhir/local/metadata').set('x-api-key', key);

  it('answers 429 with Retry-After and a throttled OperationOutcome once a client has used its budget', async () => {
    for (let i = 0; i < 3; i++) await metadata(KEY_A).expect(200);
    const refused = await metadata(KEY_A).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'throttled' }] });
  });

  it('counts each authenticated client on its own', async () => {
    await metadata(KEY_B).expect(200);
  });

  it('never limits the health check', async () => {
    for (let i = 0; i < 5; i++) await request(app.getHttpServer()).get('/health').expect(200);
  });

  // Last: it uses up the budget of the suite's one client IP.
  it('counts requests refused by authentication, by IP: over the budget, 429 before any credential is checked', async () => {
    const refusal = () => request(app.getHttpServer()).get('/metrics').set('x-api-key', 'not-a-key-of-this-gateway');
    for (let i = 0; i < 3; i++) await refusal().expect(401);
    const refused = await refusal().expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await request(app.getHttpServer()).get('/metrics').expect(429);
  });
});
