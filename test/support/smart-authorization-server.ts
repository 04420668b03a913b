import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** Every scope the test clients may ask for (oidc-provider grants only the scopes a resource server lists). */
export const TEST_SCOPES = [
  'launch/patient',
  'fhirUser',
  'patient/Observation.rs',
  'patient/Observation.r',
  'patient/Observation.s',
  'patient/Observation.rs?category=laboratory',
  'patient/Observation.rs?category=vital-signs',
  'user/Observation.rs?category=laboratory',
  'user/Observation.rs?category=vital-signs',
  'patient/Observation.read',
  'patient/Patient.rs',
  'patient/Patient.r',
  'patient/Patient.read',
  'patient/Condition.rs',
  'patient/Observation.cruds',
  'patient/Observation.cu',
  'patient/*.rs',
  'patient/*.read',
  'patient/*.*',
  'patient/*.cruds',
  'patient/Practitioner.rs',
  'user/Observation.rs',
  'user/Patient.read',
  'user/*.rs',
  'user/*.write',
  'system/*.rs',
  'system/*.read',
  'system/Patient.rs',
  'system/*.cruds',
  'system/Observation.cud',
  'system/AuditEvent.cs',
];

/** How a further backend service authenticates at the token endpoint: a client secret (`client_secret_post`) or a public key (`private_key_jwt`). */
export type BackendServiceCredential = { secret: string } | { jwk: JWK };

export interface ServerKeys {
  keys: JWK[];
}

/**
 * A real, independent SMART authorization server for tests: `oidc-provider`
 * (OpenID Certified) on loopback, issuing JWT access tokens for the gateway's
 * audience through resource indicators (RFC 8707), to a backend service
 * (client credentials with `private_key_jwt`), a public app (authorization code
 * with PKCE, driven over HTTP through the provider's own login and consent
 * pages) and an app whose tokens are opaque (checked by the provider's RFC 7662
 * introspection endpoint with the gateway's own client credentials).
 * `rotateKeys()` replaces the signing key as a real server rotates it.
 */
export class SmartAuthorizationServer {
  readonly gatewayClient = { id: 'ehr-gateway', secret: randomBytes(24).toString('base64url') };
  readonly redirectUri = 'http://127.0.0.1/callback';
  private server?: Server;
  private handler?: (req: IncomingMessage, res: ServerResponse) => void;
  private backendKey?: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  private backendJwk?: JWK;
  private signing?: { key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; kid: string };
  private readonly tokenRequestsByClient = new Map<string, number>();

  /**
   * @param browserClients more public clients (authorization code + PKCE), by client id: their redirect URI
   * @param backendServices more backend services (client credentials, any of `TEST_SCOPES`), by client id: their credential
   */
  constructor(
    readonly audience: string,
    private readonly browserClients: Record<string, string> = {},
    private readonly backendServices: Record<string, BackendServiceCredential> = {},
  ) {}

  /** Requests the token endpoint answered for a client, granted or refused (a refused client authentication too). */
  tokenRequests(clientId: string): number {
    return this.tokenRequestsByClient.get(clientId) ?? 0;
  }

  get issuer(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/jwks`;
  }

  get introspectionUrl(): string {
    return `${this.issuer}/token/introspection`;
  }

  /** The gateway's configuration for this server. */
  gatewayEnv(): Record<string, string> {
    return {
      GATEWAY_AUTH: 'smart',
      SMART_ISSUERS: JSON.stringify({ [this.issuer]: this.jwksUrl }),
      SMART_AUDIENCE: this.audience,
      SMART_JWKS_COOLDOWN_SECONDS: '0',
      SMART_INTROSPECTION_URL: this.introspectionUrl,
      SMART_INTROSPECTION_CLIENT_ID: this.gatewayClient.id,
      SMART_INTROSPECTION_CLIENT_SECRET: this.gatewayClient.secret,
    };
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS384');
    this.backendKey = privateKey;
    this.backendJwk = { ...(await exportJWK(publicKey)), kid: 'backend-1', use: 'sig' };
    // Backend services publish their public keys at a JWK Set URL, as SMART Backend Services recommend.
    const jwkSets = new Map([['/backend-service/jwks.json', this.backendJwk]]);
    for (const [clientId, credential] of Object.entries(this.backendServices)) {
      if ('jwk' in credential) jwkSets.set(backendJwksPath(clientId), credential.jwk);
    }
    this.server = createServer((req, res) => {
      const jwk = jwkSets.get(req.url ?? '');
      if (jwk) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      else this.handler!(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    await this.rotateKeys();
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** A new provider on the same issuer and port, signing with a new key (a new `kid`). */
  async rotateKeys(): Promise<void> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const signingKey = { ...(await exportJWK(privateKey)), kid: `signing-${randomUUID()}`, alg: 'RS256', use: 'sig' };
    this.signing = { key: privateKey, kid: signingKey.kid };
    const provider = await this.provider(signingKey);
    const callback = provider.callback();
    this.handler = (req, res) => void callback(req, res);
  }

  /**
   * A JWT signed with the provider's own current key, with the claims given over
   * valid defaults (issuer, audience, five minutes' lifetime): for tokens a real
   * server would not issue, such as expired ones.
   */
  async signedToken(claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.issuer,
      aud: this.audience,
      iat: now,
      exp: now + 300,
      scope: 'system/*.rs',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.signing!.kid, typ: 'at+jwt' })
      .sign(this.signing!.key);
  }

  /** An access token by client credentials, authenticated with a `private_key_jwt` assertion. */
  async clientCredentialsToken(scope: string, resource = this.audience): Promise<string> {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS384', kid: 'backend-1' })
      .setIssuer('backend-service')
      .setSubject('backend-service')
      .setAudience(this.issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(this.backendKey!);
    return this.token({
      grant_type: 'client_credentials',
      scope,
      resource,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
  }

  /**
   * An access token by authorization code with PKCE, as a public SMART app gets
   * one: the authorize request, the provider's login page (the login names the
   * patient the user is), its consent page, the redirect with the code, the
   * token request. `client` `opaque-app` gets an opaque token. `user` is a patient's id, or
   * `Practitioner/{id}` for a practitioner's token (no patient in context).
   */
  async authorizationCodeToken(scope: string, user: string, client = 'patient-app'): Promise<string> {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const jar = new Map<string, string>();
    const authorize = new URL(`${this.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: client,
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope,
      state: randomUUID(),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: this.audience,
    }).toString();
    let location = await this.browse(authorize.toString(), jar);
    for (let step = 0; step < 10 && !location.startsWith(this.redirectUri); step++) {
      if (location.includes('/interaction/')) {
        const page = await fetch(new URL(location, this.issuer), { headers: { cookie: cookieHeader(jar) } });
        const html = await page.text();
        const form: Record<string, string> = html.includes('name="login"')
          ? { prompt: 'login', login: user, password: 'any' }
          : { prompt: 'consent' };
        const action = /action="([^"]+)"/.exec(html)?.[1];
        if (!action) throw new Error(`No form on the interaction page: ${html.slice(0, 200)}`);
        location = await this.browse(new URL(action, this.issuer).toString(), jar, new URLSearchParams(form));
      } else {
        location = await this.browse(new URL(location, this.issuer).toString(), jar);
      }
    }
    const code = new URL(location).searchParams.get('code');
    if (!code) throw new Error(`No code in the redirect: ${location}`);
    return this.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      client_id: client,
      code_verifier: verifier,
      resource: this.audience,
    });
  }

  private async token(form: Record<string, string>): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, { method: 'POST', body: new URLSearchParams(form) });
    const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!body.access_token) throw new Error(`Token request failed: ${body.error} ${body.error_description}`);
    return body.access_token;
  }

  /** One request of a browser: sends and keeps cookies, returns the redirect's location. */
  private async browse(url: string, jar: Map<string, string>, form?: URLSearchParams): Promise<string> {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form,
      redirect: 'manual',
      headers: { cookie: cookieHeader(jar) },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair.indexOf('=');
      jar.set(pair.slice(0, index), pair.slice(index + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`Expected a redirect from ${new URL(url).pathname}, got ${response.status}`);
    return new URL(location, url).toString();
  }

  private async provider(signingKey: JWK) {
    const { default: Provider } = await import('oidc-provider');
    const audience = this.audience;
    const resourceServer = (indicator: string, opaque: boolean) => ({
      scope: TEST_SCOPES.join(' '),
      audience: indicator,
      accessTokenTTL: 300,
      accessTokenFormat: opaque ? 'opaque' : 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    });
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: 'backend-service',
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'RS384',
          jwks_uri: `${this.issuer}/backend-service/jwks.json`,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: TEST_SCOPES.join(' '),
        },
        ...['patient-app', 'opaque-app'].map((client_id) => ({
          client_id,
          token_endpoint_auth_method: 'none',
          redirect_uris: [this.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        })),
        ...Object.entries(this.browserClients).map(([client_id, redirectUri]) => ({
          client_id,
          token_endpoint_auth_method: 'none',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        })),
        ...Object.entries(this.backendServices).map(([client_id, credential]) => ({
          client_id,
          ...('secret' in credential
            ? { client_secret: credential.secret, token_endpoint_auth_method: 'client_secret_post' }
            : {
                jwks_uri: `${this.issuer}${backendJwksPath(client_id)}`,
                token_endpoint_auth_method: 'private_key_jwt',
                token_endpoint_auth_signing_alg: 'RS384',
              }),
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          scope: TEST_SCOPES.join(' '),
        })),
        {
          client_id: this.gatewayClient.id,
          client_secret: this.gatewayClient.secret,
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: [],
          redirect_uris: [],
          response_types: [],
        },
      ],
      jwks: { keys: [signingKey] },
      // SMART Backend Services sign their assertions RS384 or ES384.
      enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'ES256', 'ES384'] },
      ttl: {
        AccessToken: 300,
        ClientCredentials: 300,
        AuthorizationCode: 60,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
      },
      routes: { jwks: '/jwks' },
      scopes: ['openid', 'offline_access', ...TEST_SCOPES],
      findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, indicator: string, client: { clientId: string }) =>
            resourceServer(indicator, client.clientId === 'opaque-app'),
        },
      },
      // The SMART launch context: the signed-in user is the patient named at login, or a practitioner
      // (`Practitioner/{id}` at login: `fhirUser` only, no patient in context).
      extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => {
        if (!token.accountId) return undefined;
        if (token.accountId.startsWith('Practitioner/')) return { fhirUser: token.accountId };
        return { patient: token.accountId, fhirUser: `Patient/${token.accountId}` };
      },
      pkce: { required: () => true },
      // The provider refuses to fetch from loopback (SSRF protection); here the backend's JWK Set is on loopback.
      fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) =>
        globalThis.fetch(url, { ...options, dispatcher: undefined }),
    } as never);
    const count = (ctx: { oidc?: { client?: { clientId: string } } }) => {
      const clientId = ctx.oidc?.client?.clientId;
      if (clientId) this.tokenRequestsByClient.set(clientId, this.tokenRequests(clientId) + 1);
    };
    provider.on('grant.success', count);
    provider.on('grant.error', count);
    return provider;
  }
}

function backendJwksPath(clientId: string): string {
  return `/backend-services/${encodeURIComponent(clientId)}/jwks.json`;
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}
