import { defineConfigNamespace, envBoolean, envInteger } from '@ehr-gateway/config';
import { z } from 'zod';
import { BROKER_DEFAULTS, type EventBrokerOptions } from './event-broker.options';

const subjectToken = /^[A-Za-z0-9_-]+$/;

/** `EventBrokerModule` / `EventConsumerModule` options from the environment; no URL, no broker. */
export const brokerConfig = defineConfigNamespace({
  namespace: 'broker',
  title: 'Event broker: NATS JetStream (libs/events)',
  keys: {
    EVENTS_BROKER_URL: z
      .string()
      .regex(/^(nats|tls):\/\/\S+$/, 'must be a nats:// or tls:// URL')
      .optional()
      .meta({ secret: true })
      .describe(
        'NATS server of the durable event stream, e.g. `nats://127.0.0.1:4222`. Absent: events stay in the process.',
      ),
    EVENTS_BROKER_STREAM: z
      .string()
      .regex(subjectToken, 'must be a JetStream stream name')
      .default(BROKER_DEFAULTS.stream)
      .describe('JetStream stream that captures `<subject prefix>.>`.'),
    EVENTS_BROKER_SUBJECT_PREFIX: z
      .string()
      .regex(subjectToken, 'must be one subject token')
      .default(BROKER_DEFAULTS.subjectPrefix)
      .describe('Events are published as `<prefix>.<event name>`.'),
    EVENTS_OUTBOX_PATH: z
      .string()
      .default(BROKER_DEFAULTS.outboxPath)
      .describe('SQLite file of the outbox that holds events while NATS is unreachable.'),
    EVENTS_OUTBOX_CAPACITY: envInteger(1)
      .default(BROKER_DEFAULTS.outboxCapacity)
      .describe('Events the outbox holds at most; beyond it a delivery fails (and strict mode refuses the request).'),
    EVENTS_BROKER_MAX_AGE_SECONDS: envInteger(60)
      .default(BROKER_DEFAULTS.maxAgeSeconds)
      .describe('How long the stream keeps events, seconds.'),
    EVENTS_BROKER_INCLUDE_RESOURCE: envBoolean()
      .default(BROKER_DEFAULTS.includeResource)
      .describe('Put resource bodies (PHI) on the wire.'),
    EVENTS_BROKER_MANAGE_STREAM: envBoolean()
      .default(BROKER_DEFAULTS.manageStream)
      .describe(
        "Whether the gateway owns the stream's settings: `true` updates an existing stream to these keys on every start; `false` creates a missing stream and leaves an existing one as its operator configured it.",
      ),
  },
  values: (keys): Partial<EventBrokerOptions> & Pick<EventBrokerOptions, 'stream' | 'subjectPrefix'> => ({
    url: keys.EVENTS_BROKER_URL,
    stream: keys.EVENTS_BROKER_STREAM,
    subjectPrefix: keys.EVENTS_BROKER_SUBJECT_PREFIX,
    outboxPath: keys.EVENTS_OUTBOX_PATH,
    outboxCapacity: keys.EVENTS_OUTBOX_CAPACITY,
    maxAgeSeconds: keys.EVENTS_BROKER_MAX_AGE_SECONDS,
    includeResource: keys.EVENTS_BROKER_INCLUDE_RESOURCE,
    manageStream: keys.EVENTS_BROKER_MANAGE_STREAM,
  }),
});
