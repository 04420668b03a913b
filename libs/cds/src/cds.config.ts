import {
  ConfigValidationError,
  defineConfigNamespace,
  envBoolean,
  envInteger,
  envJsonObject,
  envList,
  envRoutePath,
  isSecureUrl,
} from '@ehr-gateway/config';
import { z } from 'zod';
import { CDS_DEFAULTS } from './constants';
import type { CdsJwtIssuer, CdsModuleOptions } from './interfaces/cds-module-options.interface';

/**
 * `CDS_JWT_ISSUERS`: issuer -> its JWK Set URL, https (or http on loopback), or
 * -> `{ "jwksUrl": ..., "jkuHosts": [...] }` naming the hosts that issuer's
 * tokens may point their `jku` at.
 */
function checkIssuers(issuers: Record<string, unknown>): Record<string, CdsJwtIssuer> {
  const problems: string[] = [];
  const checked: Record<string, CdsJwtIssuer> = {};
  for (const [issuer, entry] of Object.entries(issuers)) {
    const { jwksUrl: url, jkuHosts } = (typeof entry === 'string' ? { jwksUrl: entry } : (entry ?? {})) as {
      jwksUrl?: unknown;
      jkuHosts?: unknown;
    };
    if (!isSecureUrl(url)) problems.push(`CDS_JWT_ISSUERS: issuer '${issuer}' needs an https JWK Set URL`);
    else if (jkuHosts !== undefined && !(Array.isArray(jkuHosts) && jkuHosts.every((h) => typeof h === 'string')))
      problems.push(`CDS_JWT_ISSUERS: issuer '${issuer}': jkuHosts must be a list of host[:port]`);
    else checked[issuer] = { jwksUrl: new URL(url).href, ...(jkuHosts ? { jkuHosts: jkuHosts } : {}) };
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return checked;
}

/** `CdsModuleOptions` from the environment. */
export const cdsConfig = defineConfigNamespace({
  namespace: 'cds',
  title: 'CDS Hooks (libs/cds)',
  keys: {
    CDS_BASE_PATH: envRoutePath()
      .default(CDS_DEFAULTS.basePath)
      .describe('Route prefix of discovery, invoke and feedback.'),
    CDS_JWT_ENABLED: envBoolean()
      .default(false)
      .describe(
        'Verify the CDS client JWT on every call (needs `CDS_JWT_ISSUERS`; a warning is logged while it is off).',
      ),
    CDS_JWT_ISSUERS: envJsonObject()
      .default({})
      .describe(
        'Issuers allowed to call: a JSON object (a YAML mapping) of issuer to its JWK Set URL (https, or http on loopback), or to `{ "jwksUrl": ..., "jkuHosts": ["host[:port]"] }` naming the hosts its tokens may point `jku` at (any other `jku` is ignored, never fetched); required when JWT is on.',
      ),
    CDS_JWT_MAX_LIFETIME_SECONDS: envInteger(1, 3600)
      .default(CDS_DEFAULTS.jwtMaxLifetimeSeconds)
      .describe('Longest lifetime (`exp - iat`) a CDS client token may have, seconds.'),
    CDS_JWT_REPLAY_REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional()
      .meta({ secret: true })
      .describe("Redis for the `jti` replay store shared by every instance. Absent: in this process's memory."),
    CDS_ALLOWED_FHIR_SERVER_HOSTS: envList()
      .default([])
      .describe(
        "Hosts (`host[:port]`) whose `fhirServer` the gateway may call with the request's `fhirAuthorization`.",
      ),
    CDS_PREFETCH_SOURCE: z
      .string()
      .optional()
      .describe(
        'Gateway source used for prefetch fetch-on-miss when `fhirServer` is not allow-listed. Default: the default source.',
      ),
    CDS_PREFETCH_TIMEOUT_MS: envInteger(100, 60_000)
      .default(CDS_DEFAULTS.prefetchTimeoutMs)
      .describe('Time budget for prefetch fetch-on-miss, ms.'),
    CDS_FEEDBACK_PATH: z
      .string()
      .min(1)
      .default(CDS_DEFAULTS.feedbackPath)
      .describe('SQLite file of the card feedback, or `:memory:`.'),
  },
  values: (keys) => {
    const issuers = checkIssuers(keys.CDS_JWT_ISSUERS);
    if (keys.CDS_JWT_ENABLED && Object.keys(issuers).length === 0) {
      throw new ConfigValidationError(['CDS_JWT_ENABLED=true: CDS_JWT_ISSUERS must allow-list at least one issuer']);
    }
    return {
      basePath: keys.CDS_BASE_PATH,
      jwt: {
        enabled: keys.CDS_JWT_ENABLED,
        issuers,
        maxLifetimeSeconds: keys.CDS_JWT_MAX_LIFETIME_SECONDS,
        replayRedisUrl: keys.CDS_JWT_REPLAY_REDIS_URL,
      },
      allowedFhirServerHosts: keys.CDS_ALLOWED_FHIR_SERVER_HOSTS,
      prefetchSource: keys.CDS_PREFETCH_SOURCE,
      prefetchTimeoutMs: keys.CDS_PREFETCH_TIMEOUT_MS,
      feedbackPath: keys.CDS_FEEDBACK_PATH,
    } satisfies CdsModuleOptions;
  },
});
