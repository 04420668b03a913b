import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, errors as undiciErrors } from 'undici';
import { TokenProvider } from '../auth/token-provider';
import { FHIR_JSON } from '../constants';
import { FhirError } from '../errors/fhir-error';
import type { BackendStatus, FhirBackend, FhirRequest, FhirResponse } from '../interfaces/fhir-backend.interface';
import type { UpstreamFailure, UpstreamObserver } from '../interfaces/upstream-observer.interface';
import type { SourceDefinition } from '../sources/source-definition';
import { isRetryable, retryDelayMs } from './retry-policy';

const PASSED_RESPONSE_HEADERS = [
  'etag',
  'last-modified',
  'location',
  'content-location',
  'content-type',
  'retry-after',
];
const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

/**
 * An upstream FHIR R4 server: a keep-alive connection pool, a timeout per
 * request, the source's auth, one retry after a 401 with a fresh token, and
 * bounded retries of idempotent requests on 429/502/503/504.
 */
export class UpstreamFhirBackend implements FhirBackend {
  readonly baseUrl: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly tokens?: TokenProvider;

  constructor(
    private readonly source: SourceDefinition,
    private readonly observer?: UpstreamObserver,
  ) {
    this.baseUrl = source.baseUrl;
    const url = new URL(source.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: 128,
      keepAliveTimeout: 30_000,
      headersTimeout: source.timeoutMs,
      bodyTimeout: source.timeoutMs,
      connect: { rejectUnauthorized: source.verifySsl, timeout: Math.min(source.timeoutMs, 10_000) },
    });
    if (source.auth.type !== 'none') {
      this.tokens = new TokenProvider(source.auth, source.name, source.timeoutMs, observer);
    }
  }

  async request(request: FhirRequest): Promise<FhirResponse> {
    let attempt = 0;
    let reauthenticated = false;
    for (;;) {
      const response = await this.send(request);
      if (response.status === 401 && this.tokens && !reauthenticated) {
        this.tokens.invalidate();
        reauthenticated = true;
        continue;
      }
      if (attempt < this.source.maxRetries && isRetryable(request.method, response.status)) {
        const delay = retryDelayMs(attempt + 1, response.headers['retry-after']);
        if (delay !== undefined) {
          attempt++;
          await sleep(delay);
          continue;
        }
      }
      return response;
    }
  }

  async status(): Promise<BackendStatus> {
    const auth = this.source.auth.type;
    const token = this.tokens?.state();
    try {
      const response = await this.send({ method: 'GET', path: 'metadata' });
      return {
        reachable: response.status < 500,
        auth,
        token,
        ...(response.status >= 400 ? { error: `metadata answered HTTP ${response.status}` } : {}),
      };
    } catch (error) {
      return { reachable: false, auth, token, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(request: FhirRequest): Promise<FhirResponse> {
    const headers: Record<string, string> = { accept: FHIR_JSON, ...request.headers };
    if (this.tokens) headers.authorization = `Bearer ${await this.tokens.token()}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] ??= FHIR_JSON;
    }
    const started = performance.now();
    const observe = (result: number | UpstreamFailure) =>
      this.observer?.exchange(this.source.name, request.method, result, (performance.now() - started) / 1000);
    try {
      const response = await this.pool.request({
        path: `${this.basePath}/${request.path}`.replace(/\/\?/, '?'),
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.source.timeoutMs),
      });
      const text = await readLimited(response.body);
      const responseHeaders: Record<string, string> = {};
      for (const name of PASSED_RESPONSE_HEADERS) {
        const value = response.headers[name];
        if (typeof value === 'string') responseHeaders[name] = value;
      }
      const answer = { status: response.statusCode, headers: responseHeaders, body: parseBody(text, this.source.name) };
      observe(answer.status);
      return answer;
    } catch (error) {
      const failure = this.transportError(error);
      observe(error instanceof FhirError ? 'bad_response' : failure.status === 504 ? 'timeout' : 'unreachable');
      throw failure;
    }
  }

  private transportError(error: unknown): FhirError {
    if (error instanceof FhirError) return error;
    const name = (error as Error).name;
    const timedOut =
      name === 'TimeoutError' ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError;
    return timedOut
      ? new FhirError(504, `FHIR source '${this.source.name}' did not answer within ${this.source.timeoutMs} ms`)
      : new FhirError(
          502,
          `FHIR source '${this.source.name}' is unreachable (${(error as { code?: string }).code ?? name})`,
        );
  }
}

async function readLimited(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) throw new FhirError(502, 'Upstream response exceeds the size limit');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, sourceName: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FhirError(502, `FHIR source '${sourceName}' answered with a body that is not JSON`);
  }
}
