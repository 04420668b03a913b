import {
  ConfigValidationError,
  LOGGING_KEYS,
  type LogLevel,
  defineConfigNamespace,
  envBoolean,
  loadConfig,
  logLevelOf,
} from '@ehr-gateway/config';
import { brokerConfig } from '@ehr-gateway/events';
import { SourceConfigError, type SourceDefinition, resolveSource } from '@ehr-gateway/fhir';
import { z } from 'zod';
import type { AuditConsumerOptions } from './audit-consumer.module';

/** The durable consumer's name unless configured: instances with the same name share the work. */
export const AUDIT_DURABLE_NAME = 'audit';
/** The audit trail as a FHIR source: the name its errors carry (`FHIR source 'audit-trail': ...`). */
export const AUDIT_TRAIL_SOURCE = 'audit-trail';
/** A write's timeout unless the connection string sets `timeout`: well under JetStream's 30 s ack wait. */
const AUDIT_WRITE_TIMEOUT_MS = 10_000;
const LEGACY_DEFAULTS = { gatewayUrl: 'http://localhost:3000', source: 'local' };

/** The audit consumer's own keys; it reads the stream through the `broker` namespace. */
export const auditConfig = defineConfigNamespace({
  namespace: 'audit',
  title: 'Audit consumer (apps/audit-consumer; also reads `EVENTS_BROKER_URL`, `_STREAM`, `_SUBJECT_PREFIX`)',
  keys: {
    ...LOGGING_KEYS,
    AUDIT_FHIR_SOURCE: z
      .string()
      .min(1)
      .optional()
      .meta({ secret: true })
      .describe(
        'The audit trail’s FHIR base on the gateway, as a FHIR source connection string (`https://gateway/fhir/local?client_id=&client_secret=&token_url=&scope=system/AuditEvent.cs`, `fhir://` for https; `use_jwt_assertion=true&private_key_path=` for a `private_key_jwt` assertion): SMART Backend Services client credentials, any `FHIR_BASE_PATH`. Replaces `AUDIT_GATEWAY_URL` and `AUDIT_SOURCE`.',
      ),
    AUDIT_ALLOW_INSECURE_HTTP: envBoolean()
      .default(false)
      .describe('Allow `http://` to hosts other than loopback in `AUDIT_FHIR_SOURCE` and its `token_url`.'),
    AUDIT_GATEWAY_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        `Without \`AUDIT_FHIR_SOURCE\`: the gateway whose FHIR API (at \`/fhir\`) the AuditEvents are written through. Default: \`${LEGACY_DEFAULTS.gatewayUrl}\`.`,
      ),
    AUDIT_SOURCE: z
      .string()
      .min(1)
      .optional()
      .describe(
        `Without \`AUDIT_FHIR_SOURCE\`: the gateway source that keeps the audit trail. Default: \`${LEGACY_DEFAULTS.source}\`.`,
      ),
    AUDIT_GATEWAY_NAME: z.string().min(1).default('ehr-gateway').describe('Name of the audited gateway, as observer.'),
    AUDIT_DURABLE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a JetStream consumer name')
      .default(AUDIT_DURABLE_NAME)
      .describe('Durable consumer name; instances with the same name share the work.'),
    AUDIT_GATEWAY_API_KEY: z
      .string()
      .min(20)
      .optional()
      .meta({ secret: true })
      .describe(
        'An API key of the gateway (`GATEWAY_API_KEYS`), sent as `X-API-Key` with every AuditEvent; not together with a `client_id` in `AUDIT_FHIR_SOURCE`.',
      ),
  },
  values: (keys) => {
    const trail = auditTrail(keys);
    if (keys.AUDIT_GATEWAY_API_KEY && trail.auth.type !== 'none') {
      throw new ConfigValidationError([
        'AUDIT_GATEWAY_API_KEY: the audit trail already authenticates with the client_id of AUDIT_FHIR_SOURCE; set one credential',
      ]);
    }
    return {
      trail,
      gatewayName: keys.AUDIT_GATEWAY_NAME,
      durableName: keys.AUDIT_DURABLE_NAME,
      apiKey: keys.AUDIT_GATEWAY_API_KEY,
      logging: { development: keys.NODE_ENV === 'development', level: logLevelOf(keys) },
    };
  },
});

/** How the audit consumer logs: like the gateway, from the same `NODE_ENV` and `LOG_LEVEL`. */
export interface AuditLogging {
  development: boolean;
  level: LogLevel;
}

/**
 * Where the AuditEvents go, resolved by the same rules as the gateway's upstream
 * sources: `AUDIT_FHIR_SOURCE`, or the earlier `AUDIT_GATEWAY_URL` + `AUDIT_SOURCE`
 * under `/fhir` (http to any host, as those keys always allowed). Messages name
 * the key, never the connection string (it may hold a client secret).
 */
function auditTrail(keys: {
  AUDIT_FHIR_SOURCE?: string;
  AUDIT_ALLOW_INSECURE_HTTP: boolean;
  AUDIT_GATEWAY_URL?: string;
  AUDIT_SOURCE?: string;
}): SourceDefinition {
  const connection = keys.AUDIT_FHIR_SOURCE;
  if (connection === undefined) {
    const gatewayUrl = (keys.AUDIT_GATEWAY_URL ?? LEGACY_DEFAULTS.gatewayUrl).replace(/\/+$/, '');
    const source = encodeURIComponent(keys.AUDIT_SOURCE ?? LEGACY_DEFAULTS.source);
    return resolveSource(
      AUDIT_TRAIL_SOURCE,
      { baseUrl: `${gatewayUrl}/fhir/${source}`, timeoutMs: AUDIT_WRITE_TIMEOUT_MS },
      true,
    );
  }
  const replaced = ['AUDIT_GATEWAY_URL', 'AUDIT_SOURCE'].filter((key) => keys[key as keyof typeof keys] !== undefined);
  if (replaced.length > 0) {
    throw new ConfigValidationError([
      `AUDIT_FHIR_SOURCE: replaces ${replaced.join(' and ')}; set one or the other (the connection string names the gateway and the source)`,
    ]);
  }
  let trail: SourceDefinition;
  try {
    trail = resolveSource(AUDIT_TRAIL_SOURCE, connection, keys.AUDIT_ALLOW_INSECURE_HTTP);
  } catch (error) {
    if (!(error instanceof SourceConfigError)) throw error;
    throw new ConfigValidationError([`AUDIT_FHIR_SOURCE: ${error.message}`]);
  }
  return new URL(connection).searchParams.has('timeout') ? trail : { ...trail, timeoutMs: AUDIT_WRITE_TIMEOUT_MS };
}

export const AUDIT_CONSUMER_NAMESPACES = [brokerConfig, auditConfig] as const;

/** The audit consumer's options from the environment (and `GATEWAY_CONFIG_FILE`); a broker URL is required. */
export function loadAuditConsumerConfig(
  env: NodeJS.ProcessEnv = process.env,
): AuditConsumerOptions & { logging: AuditLogging } {
  const { broker, audit } = loadConfig(AUDIT_CONSUMER_NAMESPACES, env);
  if (!broker.url) {
    throw new ConfigValidationError(['EVENTS_BROKER_URL: required by the audit consumer (e.g. nats://127.0.0.1:4222)']);
  }
  return { brokerUrl: broker.url, stream: broker.stream, subjectPrefix: broker.subjectPrefix, ...audit };
}
