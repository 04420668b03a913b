import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { exportJWK, SignJWT } from 'jose';

/**
 * The sandbox as a CDS client that signs its calls (CDS Hooks 2.0): an RS384
 * key pair made at start, its public key served as a JWK Set, a fresh JWT per
 * call with `aud` the exact URL called and a unique `jti`.
 */
export class CdsClientSigner {
  readonly issuer: string;
  readonly jwksUrl: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private server?: Server;

  constructor(private readonly port: number) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.issuer = `http://127.0.0.1:${port}`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }

  async start(): Promise<void> {
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(this.publicKey)), kid: 'sandbox-1', alg: 'RS384', use: 'sig' }],
    });
    this.server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(jwks);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  sign(audience: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS384', typ: 'JWT', kid: 'sandbox-1' })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}
