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

export const EVENT_BROKER_OPTIONS = Symbol('ehr-gateway:event-broker-options');
