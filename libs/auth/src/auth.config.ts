import {
  ConfigValidationError,
  defineConfigNamespace,
  envBoolean,
  envInteger,
  envJsonObject,
  envList,
  isSecureUrl,
} from '@ehr-gateway/config';
import { z } from 'zod';
import type { AuthModuleOptions, SmartOptions } from './interfaces/auth-module-options.interface';

/** Asymmetric JWS algorithms only: never `none`, never HMAC (a shared secret would let any holder mint tokens). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const secureUrl = () => z.string().refine(isSecureUrl, 'must be an https URL (or http on loopback)');

/** `SMART_ISSUERS`: issuer -> JWK Set URL, https (or http on loopback). */
function checkIssuers(issuers: Record<string, unknown>): Record<string, string> {
  const problems: string[] = [];
  const checked: Record<string, string> = {};
  for (const [issuer, url] of Object.entries(issuers)) {
    if (isSecureUrl(url)) checked[issuer] = url;
    else problems.push(`SMART_ISSUERS: issuer '${issuer}' needs an https JWK Set URL`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return checked;
}

/** Inbound authorization: which credentials the FHIR surface accepts, and how SMART tokens are verified and enforced. */
export const authConfig = defineConfigNamespace({
  namespace: 'auth',
  title: 'Inbound authorization (libs/auth)',
  keys: {
    GATEWAY_AUTH_ENFORCE: envBoolean()
      .default(true)
      .describe(
        '`false`: audit-only; every request goes through and what would have been denied is recorded as `would-deny`.',
      ),
    SMART_ISSUERS: envJsonObject()
      .default({})
      .describe('Token issuers: a JSON object of issuer to its JWK Set URL (https, or http on loopback).'),
    SMART_AUDIENCE: z
      .string()
      .min(1)
      .optional()
      .describe('The `aud` every access token must carry. Default: `GATEWAY_PUBLIC_URL` + `/fhir`.'),
    SMART_ALGORITHMS: envList()
      .pipe(z.array(z.enum(ALGORITHMS, 'only asymmetric JWS algorithms (never none or HMAC)')))
      .default(['RS256', 'RS384', 'ES256', 'ES384'])
      .describe('Accepted JWS algorithms of access tokens.'),
    SMART_CLOCK_SKEW_SECONDS: envInteger(0, 300).default(30).describe('Clock skew allowed on `exp`, `nbf`, `iat`.'),
    SMART_JWKS_COOLDOWN_SECONDS: envInteger(0, 3600)
      .default(30)
      .describe('After a JWK Set fetch, how long an unknown `kid` waits before the set is fetched again.'),
    SMART_PATIENT_CLAIM: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,64}$/, 'must be a claim name')
      .default('patient')
      .describe('The token claim that holds the launch context’s patient id.'),
    SMART_INTROSPECTION_URL: secureUrl()
      .optional()
      .describe('RFC 7662 introspection endpoint for opaque (non-JWT) access tokens.'),
    SMART_INTROSPECTION_CLIENT_ID: z
      .string()
      .min(1)
      .optional()
      .describe('The gateway’s client id at the introspection endpoint.'),
    SMART_INTROSPECTION_CLIENT_SECRET: z
      .string()
      .min(1)
      .optional()
      .meta({ secret: true })
      .describe('The gateway’s client secret at the introspection endpoint.'),
    SMART_INTROSPECTION_CACHE_SECONDS: envInteger(1, 3600)
      .default(300)
      .describe('Longest time an introspection answer is cached (never beyond the token’s `exp`).'),
    SMART_AUTHORIZE_URL: secureUrl()
      .optional()
      .describe('Authorization endpoint for discovery (default: the issuer’s OpenID configuration).'),
    SMART_TOKEN_URL: secureUrl()
      .optional()
      .describe('Token endpoint for discovery (default: the issuer’s OpenID configuration).'),
    SMART_DENIED_READ_STATUS: z
      .enum(['403', '404'])
      .default('403')
      .describe('Status of a read outside the caller’s reach: `404` does not reveal that the resource exists.'),
    SMART_OPERATIONS_SCOPE: z
      .string()
      .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, 'must be one scope (RFC 6749 characters, no spaces)')
      .default('system/*.rs')
      .describe(
        'With `smart`: the scope a Bearer token needs on operational routes that are no FHIR interaction (metrics, docs); the console’s routes take a `user/` scope too.',
      ),
    GATEWAY_TRANSPORT_TRUSTED: envBoolean()
      .default(false)
      .describe('Message-pattern callers are authenticated by NATS itself: their messages need no `authorization`.'),
  },
  /** SMART verification is configured when tokens have a source; `GATEWAY_AUTH` (gateway namespace) decides whether it is used. */
  values: (
    keys,
  ): Omit<AuthModuleOptions, 'apiKeys' | 'credentials' | 'smart'> & {
    smart?: Omit<SmartOptions, 'audience'> & { audience?: string };
  } => {
    const issuers = checkIssuers(keys.SMART_ISSUERS);
    const introspectionUrl = keys.SMART_INTROSPECTION_URL;
    if (introspectionUrl && (!keys.SMART_INTROSPECTION_CLIENT_ID || !keys.SMART_INTROSPECTION_CLIENT_SECRET)) {
      throw new ConfigValidationError([
        'SMART_INTROSPECTION_URL: needs SMART_INTROSPECTION_CLIENT_ID and SMART_INTROSPECTION_CLIENT_SECRET',
      ]);
    }
    const configured = Object.keys(issuers).length > 0 || introspectionUrl !== undefined;
    return {
      smart: configured
        ? {
            issuers,
            audience: keys.SMART_AUDIENCE,
            algorithms: keys.SMART_ALGORITHMS,
            clockSkewSeconds: keys.SMART_CLOCK_SKEW_SECONDS,
            jwksCooldownMs: keys.SMART_JWKS_COOLDOWN_SECONDS * 1000,
            patientClaim: keys.SMART_PATIENT_CLAIM,
            introspection: introspectionUrl
              ? {
                  url: introspectionUrl,
                  clientId: keys.SMART_INTROSPECTION_CLIENT_ID ?? '',
                  clientSecret: keys.SMART_INTROSPECTION_CLIENT_SECRET ?? '',
                  maxCacheSeconds: keys.SMART_INTROSPECTION_CACHE_SECONDS,
                }
              : undefined,
            authorizeUrl: keys.SMART_AUTHORIZE_URL,
            tokenUrl: keys.SMART_TOKEN_URL,
          }
        : undefined,
      enforce: keys.GATEWAY_AUTH_ENFORCE,
      deniedReadStatus: keys.SMART_DENIED_READ_STATUS === '404' ? 404 : 403,
      trustedTransport: keys.GATEWAY_TRANSPORT_TRUSTED,
      operationsScope: keys.SMART_OPERATIONS_SCOPE,
    };
  },
});
