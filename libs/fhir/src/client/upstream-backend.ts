import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, Pool, errors as undiciErrors } from 'undici';
import { TokenProvider } from '../auth/token-provider';
import { FHIR_JSON } from '../constants';
import { FhirError } from '../errors/fhir-error';
import { issueCodeForStatus, operationOutcome } from '../errors/operation-outcome';
import { pathUnderBase } from '../http/link-rewriter';
import type { BackendStatus, FhirBackend, FhirRequest, FhirResponse } from '../interfaces/fhir-backend.interface';
import type { UpstreamFailure, UpstreamObserver } from '../interfaces/upstream-observer.interface';
import type { SourceDefinition } from '../sources/source-definition';
import { LARGE_BODY_BYTES, LargeBodySlots } from './large-body-slots';
import { isRetryable, retryDelayMs } from './retry-policy';

const PASSED_RESPONSE_HEADERS = [
  'etag',
  'last-modified',
  'location',
  'content-location',
  'content-type',
  'retry-after',
];
/** Characters RFC 3986 allows in a path segment that `encodeURIComponent` escapes (`$everything`, `a:b`). */
const SEGMENT_SAFE = /%(24|26|2B|2C|3A|3B|3D|40)/g;

/** Answers of one exchange, its status and headers known, its body not read yet. */
interface Exchange {
  status: number;
  headers: Record<string, string>;
  /** Reads and parses the body: the answer to return. */
  read(): Promise<FhirResponse>;
  /** Throws the body away (an answer that is retried). */
  discard(): Promise<void>;
}

/**
 * The request's path under the source's base, each path segment percent-encoded
 * (the query is already encoded). A `.` or `..` segment is refused: the upstream
 * (or a proxy before it) would resolve it to another resource than the one named.
 */
function upstreamPath(basePath: string, path: string): string {
  const index = path.indexOf('?');
  const [pathname, query] = index < 0 ? [path, undefined] : [path.slice(0, index), path.slice(index + 1)];
  const segments = pathname.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw FhirError.badRequest('A path segment made only of dots is not a FHIR id or type');
  }
  const encoded = segments.map((segment) =>
    encodeURIComponent(segment).replace(SEGMENT_SAFE, (escape) => decodeURIComponent(escape)),
  );
  return `${basePath}/${encoded.join('/')}${query === undefined ? '' : `?${query}`}`.replace(/\/\?/, '?');
}

/**
 * An upstream FHIR R4 server: a keep-alive connection pool, a timeout per
 * request, the source's auth, one retry after a 401 with a fresh token, and
 * bounded retries of idempotent requests on 429/502/503/504. The status
 * decides a retry before any body is read; an error answer whose body is not
 * JSON becomes an OperationOutcome with the upstream's status. Bodies are
 * bounded by the source's `maxResponseBytes`, and those above
 * `LARGE_BODY_BYTES` by the shared `LargeBodySlots`.
 */
export class UpstreamFhirBackend implements FhirBackend {
  readonly baseUrl: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly tokens?: TokenProvider;

  constructor(
    private readonly source: SourceDefinition,
    private readonly observer?: UpstreamObserver,
    private readonly largeBodies = new LargeBodySlots(),
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
    const path = upstreamPath(this.basePath, request.path);
    let attempt = 0;
    let reauthenticated = false;
    for (;;) {
      const exchange = await this.send(request, path);
      if (exchange.status === 401 && this.tokens && !reauthenticated) {
        await exchange.discard();
        this.tokens.invalidate();
        reauthenticated = true;
        continue;
      }
      if (attempt < this.source.maxRetries && isRetryable(request.method, exchange.status)) {
        const delay = retryDelayMs(attempt + 1, exchange.headers['retry-after']);
        if (delay !== undefined) {
          await exchange.discard();
          attempt++;
          await sleep(delay);
          continue;
        }
      }
      return exchange.read();
    }
  }

  async status(): Promise<BackendStatus> {
    const auth = this.source.auth.type;
    try {
      const exchange = await this.send({ method: 'GET', path: 'metadata' }, upstreamPath(this.basePath, 'metadata'));
      await exchange.discard();
      return {
        reachable: exchange.status < 500,
        auth,
        token: this.tokens?.state(),
        ...(exchange.status >= 400 ? { error: `metadata answered HTTP ${exchange.status}` } : {}),
      };
    } catch (error) {
      return { reachable: false, auth, token: this.tokens?.state(), error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(request: FhirRequest, path: string): Promise<Exchange> {
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
    const fail = (error: unknown): never => {
      const failure = this.transportError(error);
      observe(error instanceof FhirError ? 'bad_response' : failure.status === 504 ? 'timeout' : 'unreachable');
      throw failure;
    };
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        path,
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.source.timeoutMs),
      });
    } catch (error) {
      return fail(error);
    }
    const status = response.statusCode;
    const responseHeaders: Record<string, string> = {};
    for (const name of PASSED_RESPONSE_HEADERS) {
      const value = response.headers[name];
      if (typeof value === 'string') responseHeaders[name] = value;
    }
    const discard = async () => {
      await response.body.dump().catch(() => undefined);
      observe(status);
    };
    if (status >= 300 && status < 400 && !this.staysUnderBase(responseHeaders.location)) {
      await discard();
      throw new FhirError(502, `FHIR source '${this.source.name}' redirected outside its base`);
    }
    return {
      status,
      headers: responseHeaders,
      discard,
      read: async () => {
        try {
          const answer = { status, headers: responseHeaders, body: await this.readBody(response, status) };
          observe(status);
          return answer;
        } catch (error) {
          response.body.destroy();
          return fail(error);
        }
      },
    };
  }

  private staysUnderBase(location: string | undefined): boolean {
    return location === undefined || pathUnderBase(location, this.baseUrl) !== undefined;
  }

  /**
   * The body parsed: JSON (undefined when empty), or for an error status an
   * OperationOutcome standing for a body that is not JSON (an HTML error page).
   */
  private async readBody(response: Dispatcher.ResponseData, status: number): Promise<unknown> {
    const limit = this.source.maxResponseBytes;
    const tooLarge = () =>
      new FhirError(502, `FHIR source '${this.source.name}' answered with a body over its size limit`);
    const declared = Number(response.headers['content-length']);
    if (declared > limit) throw tooLarge();
    let release: (() => void) | undefined;
    const takeSlot = () => {
      release = this.largeBodies.tryAcquire();
      if (!release) {
        throw new FhirError(503, 'Too many large upstream answers in progress; try again', { 'retry-after': '1' });
      }
    };
    try {
      if (declared > LARGE_BODY_BYTES) takeSlot();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw tooLarge();
        if (size > LARGE_BODY_BYTES && !release) takeSlot();
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      chunks.length = 0;
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        if (status < 400) {
          throw new FhirError(502, `FHIR source '${this.source.name}' answered with a body that is not JSON`);
        }
        return operationOutcome(
          issueCodeForStatus(status),
          `FHIR source '${this.source.name}' answered HTTP ${status} with a body that is not FHIR JSON`,
        );
      }
    } finally {
      release?.();
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
