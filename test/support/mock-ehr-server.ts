import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, JSONWebKeySet, jwtVerify } from 'jose';

/**
 * A local stand-in for an EHR's FHIR API and its OAuth2 token endpoint (the
 * one thing outside the machine), speaking both protocols over real HTTP:
 * `POST /oauth2/token` (client credentials with a secret, or a SMART Backend
 * Services JWT assertion verified against a JWKS) and `GET /fhir/R4/Patient/{id}`
 * behind a bearer token.
 */
export interface RawAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export class MockEhrServer {
  readonly tokenRequests: Array<{
    clientAuth: 'secret' | 'jwt';
    assertion?: { alg: string; kid?: string; exp: number; jti: string };
  }> = [];
  readonly fhirRequests: Array<{ method: string; url: string; authorization?: string }> = [];
  /** Answers queued for the next FHIR requests (status, headers), before normal service. */
  readonly queuedFailures: Array<{ status: number; headers?: Record<string, string> }> = [];
  /**
   * Raw answers queued per path (after the token check), served in order
   * before normal service: what a careless or hostile upstream sends (HTML
   * error pages, redirects, foreign links, huge bodies).
   */
  readonly rawAnswers = new Map<string, RawAnswer[]>();
  /** Replaces the token endpoint's answer while set (a redirect, a failure). */
  tokenAnswer?: RawAnswer;
  /** Every request the token endpoint received, answered or not. */
  tokenEndpointCalls = 0;
  /** Paths that never answer. */
  readonly hangingPaths = new Set<string>();
  tokenLifetimeSeconds = 3600;
  /** Resources every search of their type answers with, whatever its parameters (as a careless upstream would). */
  readonly searchResults = new Map<string, unknown[]>();
  private readonly validTokens = new Set<string>();
  private readonly seenJti = new Set<string>();
  private server?: Server;
  private readonly hanging: ServerResponse[] = [];

  constructor(private readonly client: { id: string; secret?: string; jwks?: JSONWebKeySet }) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.hanging.forEach((res) => res.destroy());
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Invalidates every issued token, as an EHR does when it rotates keys. */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => resolve(text));
    });
    if (req.method === 'POST' && req.url === '/oauth2/token') {
      this.tokenEndpointCalls++;
      if (this.tokenAnswer) return this.raw(res, this.tokenAnswer);
      return this.token(new URLSearchParams(body), res);
    }
    if (req.url?.startsWith('/fhir/R4/')) return this.fhir(req, res);
    this.json(res, 404, { error: 'not found' });
  }

  private async token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    if (form.get('grant_type') !== 'client_credentials')
      return this.json(res, 400, { error: 'unsupported_grant_type' });
    const assertion = form.get('client_assertion');
    if (assertion) {
      if (
        !this.client.jwks ||
        form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
      ) {
        return this.json(res, 401, { error: 'invalid_client' });
      }
      try {
        const { payload, protectedHeader } = await jwtVerify(assertion, createLocalJWKSet(this.client.jwks), {
          issuer: this.client.id,
          subject: this.client.id,
          audience: `${this.url}/oauth2/token`,
          algorithms: ['RS384', 'ES384'],
        });
        const now = Math.floor(Date.now() / 1000);
        if (!payload.jti || this.seenJti.has(payload.jti) || !payload.exp || payload.exp > now + 300) {
          return this.json(res, 401, { error: 'invalid_client', error_description: 'jti reused or exp too far' });
        }
        this.seenJti.add(payload.jti);
        this.tokenRequests.push({
          clientAuth: 'jwt',
          assertion: { alg: protectedHeader.alg, kid: protectedHeader.kid, exp: payload.exp, jti: payload.jti },
        });
      } catch (error) {
        return this.json(res, 401, { error: 'invalid_client', error_description: (error as Error).message });
      }
    } else {
      if (form.get('client_id') !== this.client.id || form.get('client_secret') !== this.client.secret) {
        return this.json(res, 401, { error: 'invalid_client' });
      }
      this.tokenRequests.push({ clientAuth: 'secret' });
    }
    const token = `token-${this.tokenRequests.length}`;
    this.validTokens.add(token);
    this.json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds });
  }

  private fhir(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url!.slice('/fhir/R4/'.length);
    this.fhirRequests.push({ method: req.method!, url: path, authorization: req.headers.authorization });
    if (this.hangingPaths.has(path)) {
      this.hanging.push(res);
      return;
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    if (this.client.secret !== undefined || this.client.jwks !== undefined) {
      if (!token || !this.validTokens.has(token)) {
        return this.json(res, 401, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'login', diagnostics: 'bad token' }],
        });
      }
    }
    const raw = this.rawAnswers.get(path)?.shift();
    if (raw) return this.raw(res, raw);
    const failure = this.queuedFailures.shift();
    if (failure) {
      return this.json(
        res,
        failure.status,
        {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'transient', diagnostics: `failure ${failure.status}` }],
        },
        failure.headers,
      );
    }
    if (path === 'metadata')
      return this.json(res, 200, { resourceType: 'CapabilityStatement', status: 'active', fhirVersion: '4.0.1' });
    const searched = this.searchResults.get(path.split('?')[0]);
    if (req.method === 'GET' && searched) {
      const entry = searched.map((resource) => ({ resource, search: { mode: 'match' } }));
      return this.json(res, 200, { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry });
    }
    const match = path.match(/^Patient\/([\w-]+)$/);
    if (req.method === 'GET' && match) {
      return this.json(
        res,
        200,
        { resourceType: 'Patient', id: match[1], meta: { versionId: '7' }, name: [{ family: 'Remote' }] },
        { etag: 'W/"7"' },
      );
    }
    this.json(res, 404, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: `${path} not found` }],
    });
  }

  private raw(res: ServerResponse, answer: RawAnswer): void {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
    res.end(JSON.stringify(body));
  }
}
