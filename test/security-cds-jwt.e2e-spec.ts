import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, SignJWT } from 'jose';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';

/** The official CDS Hooks sandbox: it signs with ES384 and names a `jku` on its own host. */
const SANDBOX = 'https://sandbox.cds-hooks.org';
const SANDBOX_JKU = 'https://sandbox.cds-hooks.org/.well-known/jwks.json';
const EHR = 'https://ehr.example.org';
const PUBLIC_URL = 'https://gateway.example.org';

interface JwksServer {
  url: string;
  host: string;
  server: Server;
  fetches: number;
}

/** Serves a JWK Set and counts how often it is fetched. */
async function serveJwks(publicKey: KeyObject, kid: string, alg: string): Promise<JwksServer> {
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] };
  const served: JwksServer = { url: '', host: '', server: undefined as unknown as Server, fetches: 0 };
  served.server = createServer((_, res) => {
    served.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
  served.host = `127.0.0.1:${(served.server.address() as AddressInfo).port}`;
  served.url = `http://${served.host}/jwks.json`;
  return served;
}

describe('Security: CDS JWT to the letter of the specification (e2e)', () => {
  const sandboxKeys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const ehrKeys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const attackerKeys = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  let sandboxJwks: JwksServer;
  let ehrJwks: JwksServer;
  let attackerJwks: JwksServer;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    sandboxJwks = await serveJwks(sandboxKeys.publicKey, 'sandbox-key', 'ES384');
    ehrJwks = await serveJwks(ehrKeys.publicKey, 'ehr-key', 'ES384');
    attackerJwks = await serveJwks(attackerKeys.publicKey, 'ehr-key', 'ES384');
    app = await createTestGateway({
      GATEWAY_PUBLIC_URL: PUBLIC_URL,
      CDS_JWT_ENABLED: 'true',
      CDS_JWT_ISSUERS: JSON.stringify({
        [SANDBOX]: sandboxJwks.url,
        // This EHR may point its jku at the attacker's host: the other issuers may not.
        [EHR]: { jwksUrl: ehrJwks.url, jkuHosts: [attackerJwks.host] },
      }),
    });
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app.close();
    for (const served of [sandboxJwks, ehrJwks, attackerJwks]) served.server.close();
  });

  interface TokenShape {
    iss?: string;
    aud?: string;
    iat?: number;
    exp?: number;
    jku?: string;
    kid?: string;
    key?: KeyObject;
  }
  const now = () => Math.floor(Date.now() / 1000);
  const token = (shape: TokenShape = {}) =>
    new SignJWT({})
      .setProtectedHeader({
        alg: 'ES384',
        typ: 'JWT',
        kid: shape.kid ?? 'sandbox-key',
        ...(shape.jku === undefined ? { jku: SANDBOX_JKU } : shape.jku ? { jku: shape.jku } : {}),
      })
      .setIssuer(shape.iss ?? SANDBOX)
      .setAudience(shape.aud ?? `${PUBLIC_URL}/cds-services`)
      .setIssuedAt(shape.iat ?? now())
      .setExpirationTime(shape.exp ?? (shape.iat ?? now()) + 300)
      .setJti(randomUUID())
      .sign(shape.key ?? sandboxKeys.privateKey);
  const discovery = (jwt: string, host?: string) => {
    const call = http.get('/cds-services').set('authorization', `Bearer ${jwt}`);
    return host ? call.set('Host', host) : call;
  };
  const expectBare401 = async (jwt: string, host?: string) => {
    const response = await discovery(jwt, host).expect(401);
    expect(response.text).toBe('');
  };

  it("accepts the official sandbox's token shape (ES384, jku on its own host, kid) with its issuer's configured keys", async () => {
    const fetchesBefore = sandboxJwks.fetches;
    const response = await discovery(await token()).expect(200);
    expect(response.body.services.length).toBeGreaterThan(0);
    // The sandbox's own jku is not on an allowed host: never fetched (no network here); the configured set is.
    expect(sandboxJwks.fetches).toBe(fetchesBefore + 1);
  });

  it('a jku on a host the issuer may use is fetched', async () => {
    const before = attackerJwks.fetches;
    await discovery(
      await token({ iss: EHR, kid: 'ehr-key', jku: attackerJwks.url, key: attackerKeys.privateKey }),
    ).expect(200);
    expect(attackerJwks.fetches).toBe(before + 1);
  });

  it('iss "constructor" with a jku on an allowed host: bare 401', async () => {
    await expectBare401(
      await token({ iss: 'constructor', kid: 'ehr-key', jku: attackerJwks.url, key: attackerKeys.privateKey }),
    );
  });

  it("a jku on another issuer's allowed host is not bound to this issuer: ignored, and the forged key fails: bare 401", async () => {
    const before = attackerJwks.fetches;
    await expectBare401(
      await token({ iss: SANDBOX, kid: 'ehr-key', jku: attackerJwks.url, key: attackerKeys.privateKey }),
    );
    expect(attackerJwks.fetches).toBe(before);
  });

  it('iat an hour in the future: bare 401', async () => {
    await expectBare401(await token({ iat: now() + 3600, exp: now() + 3700 }));
  });

  it('exp ten years ahead: bare 401', async () => {
    await expectBare401(await token({ exp: now() + 10 * 365 * 24 * 3600 }));
  });

  it('a lifetime just over 5 minutes: bare 401', async () => {
    await expectBare401(await token({ exp: now() + 301 }));
  });

  it('aud computed from Host: a token minted for evil.example is refused even when Host: evil.example is sent', async () => {
    await expectBare401(await token({ aud: 'http://evil.example/cds-services' }), 'evil.example');
  });
});
