import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, SignJWT } from 'jose';
import { createTestGateway } from './support/gateway-app';
import { itWithService } from './support/services';

const ISSUER = 'https://ehr.example.org';

/** Serves a JWK Set, as an EHR publishes its CDS client keys. */
async function serveJwks(jwks: object): Promise<{ url: string; server: Server }> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server };
}

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('CDS Hooks JWT verification (e2e)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: { url: string; server: Server };
  let app: INestApplication;
  let discoveryUrl: string;

  beforeAll(async () => {
    jwks = await serveJwks({ keys: [{ ...(await exportJWK(publicKey)), kid: 'ehr-key-1', alg: 'RS384', use: 'sig' }] });
    app = await createTestGateway({ CDS_JWT_ENABLED: 'true', CDS_JWT_ISSUERS: JSON.stringify({ [ISSUER]: jwks.url }) });
    await app.listen(0, '127.0.0.1');
    discoveryUrl = `${await app.getUrl()}/cds-services`;
  });
  afterAll(async () => {
    await app.close();
    jwks.server.close();
  });

  function token(
    overrides: { aud?: string; exp?: number; iat?: number; kid?: string; jti?: string; iss?: string } = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS384', typ: 'JWT', kid: overrides.kid ?? 'ehr-key-1' })
      .setIssuer(overrides.iss ?? ISSUER)
      .setAudience(overrides.aud ?? discoveryUrl)
      .setIssuedAt(overrides.iat ?? now)
      .setExpirationTime(overrides.exp ?? now + 300)
      .setJti(overrides.jti ?? randomUUID())
      .sign(privateKey);
  }

  const call = (jwt?: string) => fetch(discoveryUrl, { headers: jwt ? { authorization: `Bearer ${jwt}` } : {} });

  async function expectBare401(jwt?: string) {
    const response = await call(jwt);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  }

  it('accepts a valid token on discovery', async () => {
    const response = await call(await token());
    expect(response.status).toBe(200);
    expect(((await response.json()) as { services: unknown[] }).services.length).toBeGreaterThan(0);
  });

  it('answers a bare 401 for a missing token, a wrong audience, an expired token, an unknown kid or issuer', async () => {
    await expectBare401();
    await expectBare401(await token({ aud: 'https://somewhere-else.example/cds-services' }));
    const now = Math.floor(Date.now() / 1000);
    await expectBare401(await token({ iat: now - 3600, exp: now - 1800 }));
    await expectBare401(await token({ kid: 'unknown-key' }));
    await expectBare401(await token({ iss: 'https://evil.example' }));
  });

  it("refuses alg 'none' and HMAC tokens", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: discoveryUrl, iat: now, exp: now + 300, jti: randomUUID() };
    await expectBare401(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`);
    const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid: 'ehr-key-1' })}.${base64url(claims)}`;
    const forged = createHmac('sha256', publicKey.export({ type: 'spki', format: 'pem' }))
      .update(signingInput)
      .digest('base64url');
    await expectBare401(`${signingInput}.${forged}`);
  });

  it('refuses a replayed jti', async () => {
    const jwt = await token({ jti: 'once-only' });
    expect((await call(jwt)).status).toBe(200);
    await expectBare401(jwt);
  });

  it('checks invoke and feedback too', async () => {
    const response = await fetch(`${discoveryUrl}/vitals-review`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        hook: 'patient-view',
        hookInstance: randomUUID(),
        context: { userId: 'Practitioner/1', patientId: '1' },
      }),
    });
    expect(response.status).toBe(401);
    const feedback = await fetch(`${discoveryUrl}/vitals-review/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(feedback.status).toBe(401);
  });

  describe('with the replay store in Redis, shared by two gateway instances', () => {
    let second: INestApplication | undefined;
    let first: INestApplication | undefined;
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    itWithService('Redis', 'refuses on one instance a token already used on the other', async () => {
      const env = {
        CDS_JWT_ENABLED: 'true',
        CDS_JWT_ISSUERS: JSON.stringify({ [ISSUER]: jwks.url }),
        CDS_JWT_REPLAY_REDIS_URL: 'redis://127.0.0.1:6379',
      };
      first = await createTestGateway(env);
      second = await createTestGateway(env);
      await first.listen(0, '127.0.0.1');
      await second.listen(0, '127.0.0.1');
      // The audience is the exact URL called: the same path on each instance's own port.
      const jti = `shared-${randomUUID()}`;
      const firstUrl = `${await first.getUrl()}/cds-services`;
      const secondUrl = `${await second.getUrl()}/cds-services`;
      const forFirst = await token({ aud: firstUrl, jti });
      expect((await fetch(firstUrl, { headers: { authorization: `Bearer ${forFirst}` } })).status).toBe(200);
      const forSecond = await token({ aud: secondUrl, jti });
      const replayed = await fetch(secondUrl, { headers: { authorization: `Bearer ${forSecond}` } });
      expect(replayed.status).toBe(401);
      const fresh = await token({ aud: secondUrl });
      expect((await fetch(secondUrl, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
    });
  });
});
