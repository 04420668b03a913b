export interface EventBrokerOptions {
  /** NATS server(s), e.g. `nats://127.0.0.1:4222`. */
  url: string;
  /** JetStream stream that captures `<subjectPrefix>.>`. Default `EHR_EVENTS`. */
  stream?: string;
  /** Subjects are `<subjectPrefix>.<event name>`. Default `ehr`. */
  subjectPrefix?: string;
  /** How long the stream keeps events. Default 7 days. */
  maxAgeSeconds?: number;
  /** Window in which JetStream drops a repeated event id. Default 2 minutes. */
  duplicateWindowSeconds?: number;
  /** SQLite file of the outbox. Default `./data/events-outbox.sqlite`. */
  outboxPath?: string;
  /** Events the outbox holds at most. Default 100,000. */
  outboxCapacity?: number;
  /** CloudEvents `source`. Default `ehr-gateway`. */
  source?: string;
  /** Put resource bodies on the wire. Default false. */
  includeResource?: boolean;
  /**
   * Whether the gateway owns the stream's settings: true updates an existing
   * stream to these options on every start; false (default) creates a missing
   * stream and leaves an existing one as its operator configured it.
   */
  manageStream?: boolean;
  /** Per-publish timeout. Default 2000 ms. */
  publishTimeoutMs?: number;
}

/** The defaults of the options above, shared by the publisher, the consumer and the `broker` config namespace. */
export const BROKER_DEFAULTS = {
  stream: 'EHR_EVENTS',
  subjectPrefix: 'ehr',
  maxAgeSeconds: 7 * 24 * 3600,
  duplicateWindowSeconds: 120,
  outboxPath: './data/events-outbox.sqlite',
  outboxCapacity: 100_000,
  source: 'ehr-gateway',
  includeResource: false,
  manageStream: false,
  publishTimeoutMs: 2000,
} as const satisfies Omit<Required<EventBrokerOptions>, 'url'>;

/** The options with every absent or `undefined` field set to its default. */
export function resolveBrokerOptions(options: EventBrokerOptions): Required<EventBrokerOptions> {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...BROKER_DEFAULTS, ...given } as Required<EventBrokerOptions>;
}
