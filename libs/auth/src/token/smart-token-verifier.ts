import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../interfaces/caller.interface';
import type { SmartOptions } from '../interfaces/auth-module-options.interface';
import { ExpiringCache } from './bounded-cache';
import { callerFromClaims } from './token-claims';

/** Why a token was refused; the message names the problem, never the token. */
export class InvalidTokenError extends Error {}

const VERIFIED_CACHE_ENTRIES = 10_000;
const INTROSPECTION_TIMEOUT_MS = 5_000;
const FORBIDDEN_ALGORITHM = /^(none|HS\d+)$/i;

const nowSeconds = () => Math.floor(Date.now() / 1000);

function looksLikeJwt(token: string): boolean {
  if (token.split('.').length !== 3) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies SMART access tokens as an OAuth 2.0 resource server: JWTs with
 * `jose` against their issuer's JWK Set (fetched again when an unknown `kid`
 * appears), opaque tokens by RFC 7662 introspection. A verified token is cached
 * by its SHA-256 digest until it expires, so it is verified once, not per request.
 */
export class SmartTokenVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly verified = new ExpiringCache<Caller>(VERIFIED_CACHE_ENTRIES);
  private readonly algorithms: string[];

  constructor(private readonly options: SmartOptions) {
    this.algorithms = options.algorithms.filter((alg) => !FORBIDDEN_ALGORITHM.test(alg));
    for (const [issuer, jwksUrl] of Object.entries(options.issuers)) {
      this.keySets.set(
        issuer,
        createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: options.jwksCooldownMs ?? 30_000 }),
      );
    }
  }

  async verify(token: string): Promise<Caller> {
    const digest = createHash('sha256').update(token).digest('base64url');
    const cached = this.verified.get(digest, nowSeconds());
    if (cached) return cached;
    const caller = looksLikeJwt(token) ? await this.verifyJwt(token) : await this.introspect(token);
    if (caller.expiresAt !== undefined) this.verified.set(digest, caller, caller.expiresAt);
    return caller;
  }

  private async verifyJwt(token: string): Promise<Caller> {
    const { alg } = decodeProtectedHeader(token);
    if (!alg || !this.algorithms.includes(alg)) throw new InvalidTokenError(`The token's algorithm is not accepted`);
    const issuer = decodeJwt(token).iss;
    const keySet = issuer === undefined ? undefined : this.keySets.get(issuer);
    if (!keySet || issuer === undefined) throw new InvalidTokenError('The token is not from a trusted issuer');
    const skew = this.options.clockSkewSeconds;
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer,
        audience: this.options.audience,
        algorithms: this.algorithms,
        clockTolerance: skew,
        requiredClaims: ['exp'],
      });
      if (typeof payload.iat === 'number' && payload.iat > nowSeconds() + skew) {
        throw new InvalidTokenError('The token was issued in the future');
      }
      return callerFromClaims(payload, this.options.patientClaim);
    } catch (error) {
      throw new InvalidTokenError(jwtProblem(error));
    }
  }

  private async introspect(token: string): Promise<Caller> {
    const introspection = this.options.introspection;
    if (!introspection)
      throw new InvalidTokenError('The token is not a JWT and no introspection endpoint is configured');
    const credentials = Buffer.from(
      `${encodeURIComponent(introspection.clientId)}:${encodeURIComponent(introspection.clientSecret)}`,
    ).toString('base64');
    let answer: Record<string, unknown>;
    try {
      const response = await fetch(introspection.url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${credentials}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      answer = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidTokenError(`Token introspection failed (${(error as Error).message})`);
    }
    if (answer.active !== true) throw new InvalidTokenError('The token is not active');
    const now = nowSeconds();
    const exp = typeof answer.exp === 'number' ? answer.exp : now + introspection.maxCacheSeconds;
    if (exp <= now) throw new InvalidTokenError('The token has expired');
    if (answer.aud !== undefined && ![answer.aud].flat().includes(this.options.audience)) {
      throw new InvalidTokenError('The token is not meant for this server (aud)');
    }
    const caller = callerFromClaims(answer, this.options.patientClaim);
    return { ...caller, expiresAt: Math.min(exp, now + introspection.maxCacheSeconds) };
  }
}

/** The problem with a JWT that failed verification, in words that name no claim value. */
function jwtProblem(error: unknown): string {
  if (error instanceof InvalidTokenError) return error.message;
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token's '${error.claim}' claim is not valid`;
  if (error instanceof errors.JWKSNoMatchingKey) return "The token's key is not in its issuer's JWK Set";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The token's signature is not valid";
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token's algorithm is not accepted";
  if (error instanceof errors.JOSEError) return `The token could not be verified (${error.code})`;
  return "The token could not be verified (its issuer's keys are unavailable)";
}
