import { ConfigValidationError, defineConfigNamespace, loadConfig } from '@ehr-gateway/config';
import { brokerConfig } from '@ehr-gateway/events';
import { z } from 'zod';
import type { AuditConsumerOptions } from './audit-consumer.module';

/** The durable consumer's name unless configured: instances with the same name share the work. */
export const AUDIT_DURABLE_NAME = 'audit';

/** The audit consumer's own keys; it reads the stream through the `broker` namespace. */
export const auditConfig = defineConfigNamespace({
  namespace: 'audit',
  title: 'Audit consumer (apps/audit-consumer; also reads `EVENTS_BROKER_URL`, `_STREAM`, `_SUBJECT_PREFIX`)',
  keys: {
    AUDIT_GATEWAY_URL: z
      .url({ protocol: /^https?$/ })
      .default('http://localhost:3000')
      .describe('The gateway whose FHIR API the AuditEvents are written through.'),
    AUDIT_SOURCE: z.string().min(1).default('local').describe('The gateway source that keeps the audit trail.'),
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
      .describe('An API key of the gateway (`GATEWAY_API_KEYS`), sent as `X-API-Key` with every AuditEvent.'),
  },
  values: (keys) => ({
    gatewayUrl: keys.AUDIT_GATEWAY_URL,
    source: keys.AUDIT_SOURCE,
    gatewayName: keys.AUDIT_GATEWAY_NAME,
    durableName: keys.AUDIT_DURABLE_NAME,
    apiKey: keys.AUDIT_GATEWAY_API_KEY,
  }),
});

export const AUDIT_CONSUMER_NAMESPACES = [brokerConfig, auditConfig] as const;

/** The audit consumer's options from the environment (and `GATEWAY_CONFIG_FILE`); a broker URL is required. */
export function loadAuditConsumerConfig(env: NodeJS.ProcessEnv = process.env): AuditConsumerOptions {
  const { broker, audit } = loadConfig(AUDIT_CONSUMER_NAMESPACES, env);
  if (!broker.url) {
    throw new ConfigValidationError(['EVENTS_BROKER_URL: required by the audit consumer (e.g. nats://127.0.0.1:4222)']);
  }
  return { brokerUrl: broker.url, stream: broker.stream, subjectPrefix: broker.subjectPrefix, ...audit };
}
