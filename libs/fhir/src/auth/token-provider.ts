import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import type { SourceAuth } from '../sources/source-definition';
import { FhirError } from '../errors/fhir-error';
import type { UpstreamObserver } from '../interfaces/upstream-observer.interface';

/** Refresh this long before a token's expiry, so a request never carries a token about to lapse. */
const REFRESH_MARGIN_MS = 60_000;
const DEFAULT_TOKEN_LIFETIME_S = 300;
const ASSERTION_LIFETIME_S = 240;
/** After a failed refresh, callers get that failure for this long instead of a new token request each. */
export const TOKEN_FAILURE_BACKOFF_MS = 5_000;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

export type TokenState = { state: 'none' | 'valid' | 'expired'; expiresAt?: string };

/**
 * Obtains and caches the access token of one source (OAuth2 client
 * credentials, with a client secret or a SMART Backend Services JWT
 * assertion). Concurrent callers share one refresh. Never logs or exposes the
 * token or the credentials: errors name only the token endpoint's status.
 * Each refresh, successful or not, is told to the observer. A failed refresh
 * is remembered for `TOKEN_FAILURE_BACKOFF_MS`, so that a failing token
 * endpoint gets one request per interval, not one per caller.
 */
export class TokenProvider {
  private cached?: CachedToken;
  private refreshing?: Promise<CachedToken>;
  private failure?: { error: unknown; until: number };

  constructor(
    private readonly auth: Exclude<SourceAuth, { type: 'none' }>,
    private readonly sourceName: string,
    private readonly timeoutMs: number,
    private readonly observer?: UpstreamObserver,
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return this.cached.accessToken;
    if (this.failure && this.failure.until > Date.now()) throw this.failure.error;
    this.refreshing ??= this.observedRefresh().finally(() => (this.refreshing = undefined));
    this.cached = await this.refreshing;
    return this.cached.accessToken;
  }

  /** Drops the cached token (after an upstream 401). */
  invalidate(): void {
    this.cached = undefined;
  }

  state(): TokenState {
    if (!this.cached) return { state: 'none' };
    return {
      state: this.cached.expiresAt > Date.now() ? 'valid' : 'expired',
      expiresAt: new Date(this.cached.expiresAt).toISOString(),
    };
  }

  private async observedRefresh(): Promise<CachedToken> {
    try {
      const token = await this.fetchToken();
      this.failure = undefined;
      this.observer?.tokenRefresh(this.sourceName, 'success');
      return token;
    } catch (error) {
      this.failure = { error, until: Date.now() + TOKEN_FAILURE_BACKOFF_MS };
      this.observer?.tokenRefresh(this.sourceName, 'failure');
      throw error;
    }
  }

  private async fetchToken(): Promise<CachedToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.auth.scope) form.set('scope', this.auth.scope);
    if (this.auth.type === 'client_secret') {
      form.set('client_id', this.auth.clientId);
      form.set('client_secret', this.auth.clientSecret);
      if (this.auth.audience) form.set('audience', this.auth.audience);
    } else {
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      form.set('client_assertion', await this.clientAssertion(this.auth));
    }
    let response: Response;
    try {
      response = await fetch(this.auth.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        // A redirected POST would carry the client secret or assertion to wherever the Location points.
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      const redirected = ((error as Error).cause as Error | undefined)?.message === 'unexpected redirect';
      const problem = timedOut ? 'timed out' : redirected ? 'answered with a redirect (not followed)' : 'unreachable';
      throw new FhirError(timedOut ? 504 : 502, `FHIR source '${this.sourceName}': token endpoint ${problem}`);
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new FhirError(
        502,
        `FHIR source '${this.sourceName}': token endpoint refused the credentials (HTTP ${response.status})`,
      );
    }
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    return { accessToken: body.access_token, expiresAt: Date.now() + lifetime * 1000 };
  }

  /** SMART Backend Services client assertion: RS384 or ES384, unique jti, exp under five minutes ahead. */
  private async clientAssertion(auth: Extract<SourceAuth, { type: 'private_key_jwt' }>): Promise<string> {
    const algorithm = createPrivateKey(auth.privateKey).asymmetricKeyType === 'ec' ? 'ES384' : 'RS384';
    const key = await importPKCS8(auth.privateKey, algorithm);
    return new SignJWT({})
      .setProtectedHeader({ alg: algorithm, typ: 'JWT', ...(auth.keyId ? { kid: auth.keyId } : {}) })
      .setIssuer(auth.clientId)
      .setSubject(auth.clientId)
      .setAudience(auth.audience ?? auth.tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ASSERTION_LIFETIME_S)
      .sign(key);
  }
}
