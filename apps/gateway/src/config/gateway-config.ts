import {
  ConfigValidationError,
  type ConfigOf,
  defineConfigNamespace,
  envInteger,
  envList,
  LOGGING_KEYS,
  loadConfig,
  logLevelOf,
} from '@ehr-gateway/config';
import { authConfig, type AuthModuleOptions } from '@ehr-gateway/auth';
import { cdsConfig } from '@ehr-gateway/cds';
import { brokerConfig, eventsConfig } from '@ehr-gateway/events';
import { fhirConfig } from '@ehr-gateway/fhir';
import { fhirStoreConfig } from '@ehr-gateway/fhir-store';
import { notereaderConfig } from '@ehr-gateway/notereader';
import { z } from 'zod';
import { consoleConfig } from '../console/console.config';

const AUTH_MODES = ['api-key', 'smart', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * The inbound authentication mode: `GATEWAY_AUTH`, or `api-key` when keys are
 * set. Production refuses to start without one unless `GATEWAY_AUTH=none` says
 * so explicitly: the gateway never falls back silently to no authentication.
 */
function inboundAuth(modes: AuthMode[] | undefined, keys: string[], environment: string): AuthMode[] {
  const chosen = modes ?? (keys.length > 0 ? ['api-key' as const] : undefined);
  if (chosen?.includes('api-key') && keys.length === 0) {
    throw new ConfigValidationError(['GATEWAY_AUTH=api-key: GATEWAY_API_KEYS must list at least one key']);
  }
  if (chosen?.includes('none') && chosen.length > 1) {
    throw new ConfigValidationError(['GATEWAY_AUTH: none cannot be combined with other credentials']);
  }
  if (chosen?.includes('none') && keys.length > 0) {
    throw new ConfigValidationError(['GATEWAY_AUTH=none: GATEWAY_API_KEYS is set too; choose one']);
  }
  if (chosen === undefined && environment === 'production') {
    throw new ConfigValidationError([
      'GATEWAY_AUTH / GATEWAY_API_KEYS: production needs inbound authentication: set GATEWAY_API_KEYS, ' +
        'or GATEWAY_AUTH=none to run without it on purpose',
    ]);
  }
  return chosen ?? ['none'];
}

/** `GATEWAY_PUBLIC_URL` without a trailing slash; production requires it. */
function publicUrl(url: string | undefined, environment: string): string | undefined {
  if (!url && environment === 'production') {
    throw new ConfigValidationError([
      'GATEWAY_PUBLIC_URL: required in production (every absolute URL the gateway writes comes from it)',
    ]);
  }
  return url?.replace(/\/+$/, '');
}

/** The gateway app's own keys: where it listens, how it logs, what guards it. */
export const gatewayConfig = defineConfigNamespace({
  namespace: 'gateway',
  title: 'Gateway app (apps/gateway)',
  keys: {
    PORT: envInteger(0, 65535).default(3000).describe('HTTP port.'),
    HOST: z.string().min(1).default('0.0.0.0').describe('Interface the HTTP server binds.'),
    ...LOGGING_KEYS,
    GATEWAY_API_KEYS: envList()
      .pipe(z.array(z.string().regex(/^\S{16,}$/, 'each key must be at least 16 characters without spaces')))
      .default([])
      .meta({ secret: true, valueType: 'comma-separated list' })
      .describe(
        'API keys, each at least 16 characters. When set, every route but `/health` (and the CDS Hooks routes while `CDS_JWT_ENABLED=true`) needs `Authorization: Bearer <key>` or `X-API-Key: <key>`. Empty: no API-key guard.',
      ),
    GATEWAY_AUTH: envList()
      .pipe(z.array(z.enum(AUTH_MODES)))
      .optional()
      .describe(
        'Inbound credentials accepted: `api-key` (`GATEWAY_API_KEYS`), `smart` (SMART access tokens on the FHIR surface, see docs/authorization.md), `none`; `api-key,smart` accepts both. Default: `api-key` when keys are set. Production refuses to start without inbound authentication unless `none` is set explicitly.',
      ),
    GATEWAY_PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .regex(/^[^?#]+$/, 'must have no query or fragment')
      .optional()
      .describe(
        "The URL clients reach the gateway at: every absolute URL it writes (Bundle links, `fullUrl`, `Location`, the WSDL address, the expected CDS JWT `aud`) comes from it, never from `Host`. Required in production; absent in development: each request's own origin.",
      ),
    TRUST_PROXY: envList()
      .optional()
      .describe(
        'Proxies whose `X-Forwarded-Proto`/`-Host`/`-For` count (Express `trust proxy`: addresses, CIDRs, `loopback`, `uniquelocal`). Absent: none.',
      ),
    GATEWAY_DOCS: z
      .enum(['guarded', 'public', 'off'])
      .default('guarded')
      .describe('`/docs` and `/docs-json`: behind the API-key check like the API, `public`, or not served (`off`).'),
    CORS_ORIGINS: envList()
      .default([])
      .refine((origins) => !origins.includes('null'), "'null' is not an origin that may be allowed")
      .describe(
        'Origins allowed cross-origin access, matched exactly. Empty: none. `*`: any origin, without credentials (only when set explicitly).',
      ),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 5mb')
      .default('1mb')
      .describe('Largest JSON or form body.'),
    JSON_MAX_DEPTH: envInteger(8, 10_000)
      .default(100)
      .describe(
        'Deepest nesting of objects and arrays a JSON body or NATS message payload may have (400 beyond, checked before parsing).',
      ),
    RATE_LIMIT_REQUESTS: envInteger(0)
      .default(0)
      .describe(
        'Requests a client may make per window (`429` beyond, with `Retry-After`); 0: no limit. A client is its authenticated identity, else its IP address; requests refused by authentication count against their IP. Counted per instance, in memory.',
      ),
    RATE_LIMIT_WINDOW_SECONDS: envInteger(1, 86_400).default(60).describe('The rate-limit window, seconds.'),
    HEALTH_MAX_RSS_MB: envInteger(64, 1_048_576)
      .default(1536)
      .describe('Resident memory above which the liveness check (`/health`) answers 503, MiB.'),
    HEALTH_READY_CACHE_MS: envInteger(0, 300_000)
      .default(5000)
      .describe(
        'How long a readiness check result (`/health/ready`) is reused, ms: callers within it share one check of each upstream, store and broker. 0: every call checks (concurrent calls still share one).',
      ),
    GATEWAY_TRANSPORT: z
      .string()
      .regex(/^nats:\/\/\S+$/, 'must be a nats:// URL')
      .optional()
      .meta({ secret: true })
      .describe('NATS URL of the microservice transport (FHIR and CDS by message pattern). Absent: HTTP only.'),
    GATEWAY_TRANSPORT_QUEUE: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a NATS queue group name')
      .default('ehr-gateway')
      .describe("NATS queue group of this deployment's instances (each message handled once per deployment)."),
    GATEWAY_TRANSPORT_SUBJECT_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated subject tokens')
      .optional()
      .describe(
        'Prefix of every message pattern (`<prefix>.fhir.read`), so deployments sharing a NATS never answer each other. Absent: none.',
      ),
  },
  values: (keys) => ({
    port: keys.PORT,
    host: keys.HOST,
    environment: keys.NODE_ENV,
    logLevel: logLevelOf(keys),
    auth: inboundAuth(keys.GATEWAY_AUTH, keys.GATEWAY_API_KEYS, keys.NODE_ENV),
    apiKeys: keys.GATEWAY_API_KEYS,
    publicUrl: publicUrl(keys.GATEWAY_PUBLIC_URL, keys.NODE_ENV),
    trustProxy: keys.TRUST_PROXY,
    docs: keys.GATEWAY_DOCS,
    corsOrigins: keys.CORS_ORIGINS,
    bodyLimit: keys.BODY_LIMIT,
    jsonMaxDepth: keys.JSON_MAX_DEPTH,
    rateLimit: { requests: keys.RATE_LIMIT_REQUESTS, windowSeconds: keys.RATE_LIMIT_WINDOW_SECONDS },
    healthMaxRssBytes: keys.HEALTH_MAX_RSS_MB * 1024 ** 2,
    healthReadyCacheMs: keys.HEALTH_READY_CACHE_MS,
    transport: keys.GATEWAY_TRANSPORT
      ? {
          url: keys.GATEWAY_TRANSPORT,
          queue: keys.GATEWAY_TRANSPORT_QUEUE,
          subjectPrefix: keys.GATEWAY_TRANSPORT_SUBJECT_PREFIX ?? '',
        }
      : undefined,
  }),
});

/** The namespaces the gateway composes, in the order of docs/configuration.md. */
export const GATEWAY_CONFIG_NAMESPACES = [
  gatewayConfig,
  eventsConfig,
  brokerConfig,
  fhirConfig,
  fhirStoreConfig,
  cdsConfig,
  notereaderConfig,
  authConfig,
  consoleConfig,
] as const;

export type GatewayConfig = ConfigOf<typeof GATEWAY_CONFIG_NAMESPACES>;

/** The name under which the gateway mounts its embedded store. */
export const LOCAL_SOURCE = 'local';

/** Source names that span namespaces: the embedded store's name is taken, named sources must exist. */
function checkSourceNames(config: GatewayConfig): void {
  const names = new Set([LOCAL_SOURCE, ...Object.keys(config.fhir.sources)]);
  const problems: string[] = [];
  if (LOCAL_SOURCE in config.fhir.sources)
    problems.push(`FHIR_SOURCES: '${LOCAL_SOURCE}' is the embedded store's name`);
  for (const [key, name] of [
    ['FHIR_DEFAULT_SOURCE', config.fhir.defaultSource],
    ['CDS_PREFETCH_SOURCE', config.cds.prefetchSource],
  ] as const) {
    if (name !== undefined && !names.has(name)) problems.push(`${key}="${name}": not the name of a configured source`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
}

/** `GATEWAY_AUTH=smart` needs token issuers (or introspection) and an audience (`SMART_AUDIENCE` or the public URL). */
function checkSmart(config: GatewayConfig): void {
  if (!config.gateway.auth.includes('smart')) return;
  const problems: string[] = [];
  if (!config.auth.smart)
    problems.push('GATEWAY_AUTH=smart: SMART_ISSUERS or SMART_INTROSPECTION_URL must say where tokens come from');
  if (!config.auth.smart?.audience && !config.gateway.publicUrl)
    problems.push('GATEWAY_AUTH=smart: SMART_AUDIENCE or GATEWAY_PUBLIC_URL must name the token audience');
  if (problems.length > 0) throw new ConfigValidationError(problems);
}

/** The options of the inbound authorization module: the auth namespace with the gateway's credentials, keys and public URL. */
export function authOptions(config: GatewayConfig): AuthModuleOptions {
  const { smart } = config.auth;
  return {
    ...config.auth,
    credentials: config.gateway.auth,
    apiKeys: config.gateway.apiKeys,
    smart: smart && { ...smart, audience: smart.audience ?? `${config.gateway.publicUrl}/${config.fhir.basePath}` },
  };
}

/**
 * Reads the configuration from the environment over the optional YAML file
 * (`GATEWAY_CONFIG_FILE`) and validates every namespace. Throws
 * `ConfigValidationError` naming every bad key.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(GATEWAY_CONFIG_NAMESPACES, env);
  checkSourceNames(config);
  checkSmart(config);
  return config;
}
