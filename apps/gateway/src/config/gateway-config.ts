import {
  ConfigValidationError,
  type ConfigOf,
  defineConfigNamespace,
  envInteger,
  envList,
  loadConfig,
} from '@ehr-gateway/config';
import { cdsConfig } from '@ehr-gateway/cds';
import { brokerConfig, eventsConfig } from '@ehr-gateway/events';
import { fhirConfig } from '@ehr-gateway/fhir';
import { fhirStoreConfig } from '@ehr-gateway/fhir-store';
import { notereaderConfig } from '@ehr-gateway/notereader';
import { z } from 'zod';
import { consoleConfig } from '../console/console.config';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The gateway app's own keys: where it listens, how it logs, what guards it. */
export const gatewayConfig = defineConfigNamespace({
  namespace: 'gateway',
  title: 'Gateway app (apps/gateway)',
  keys: {
    PORT: envInteger(0, 65535).default(3000).describe('HTTP port.'),
    HOST: z.string().min(1).default('0.0.0.0').describe('Interface the HTTP server binds.'),
    NODE_ENV: z
      .enum(['development', 'production', 'test'])
      .default('development')
      .describe('`development` logs readable lines at debug level; `production` JSON at info.'),
    LOG_LEVEL: z.enum(LOG_LEVELS).optional().describe('Log level. Default: `debug` in development, `info` otherwise.'),
    GATEWAY_API_KEYS: envList()
      .pipe(z.array(z.string().regex(/^\S{16,}$/, 'each key must be at least 16 characters without spaces')))
      .default([])
      .meta({ secret: true, valueType: 'comma-separated list' })
      .describe(
        'API keys, each at least 16 characters. When set, every route but `/health` (and the CDS Hooks routes while `CDS_JWT_ENABLED=true`) needs `Authorization: Bearer <key>` or `X-API-Key: <key>`. Empty: no API-key guard.',
      ),
    CORS_ORIGINS: envList().default(['*']).describe('Origins allowed by CORS; `*` allows any.'),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 5mb')
      .default('1mb')
      .describe('Largest JSON or form body.'),
    RATE_LIMIT_REQUESTS: envInteger(0)
      .default(0)
      .describe(
        'Requests a client may make per window (`429` beyond, with `Retry-After`); 0: no limit. A client is its authenticated identity, else its IP address. Counted per instance, in memory.',
      ),
    RATE_LIMIT_WINDOW_SECONDS: envInteger(1, 86_400).default(60).describe('The rate-limit window, seconds.'),
    GATEWAY_TRANSPORT: z
      .string()
      .regex(/^nats:\/\/\S+$/, 'must be a nats:// URL')
      .optional()
      .meta({ secret: true })
      .describe('NATS URL of the microservice transport (FHIR and CDS by message pattern). Absent: HTTP only.'),
  },
  values: (keys) => ({
    port: keys.PORT,
    host: keys.HOST,
    environment: keys.NODE_ENV,
    logLevel: keys.LOG_LEVEL ?? (keys.NODE_ENV === 'development' ? 'debug' : 'info'),
    apiKeys: keys.GATEWAY_API_KEYS,
    corsOrigins: keys.CORS_ORIGINS,
    bodyLimit: keys.BODY_LIMIT,
    transport: keys.GATEWAY_TRANSPORT,
    rateLimit: { requests: keys.RATE_LIMIT_REQUESTS, windowSeconds: keys.RATE_LIMIT_WINDOW_SECONDS },
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

/**
 * Reads the configuration from the environment over the optional YAML file
 * (`GATEWAY_CONFIG_FILE`) and validates every namespace. Throws
 * `ConfigValidationError` naming every bad key.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(GATEWAY_CONFIG_NAMESPACES, env);
  checkSourceNames(config);
  return config;
}
