import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { OnEhrEvent } from '../decorators/on-ehr-event.decorator';
import type { EHREvent } from '../ehr-event';
import { eventSpanAttributes } from '../tracing';
import { inSpan, withoutCredentials } from '@ehr-gateway/common';
import { toCloudEvent } from './cloud-event';
import { InjectEventBrokerOptions } from './event-broker.module-definition';
import { EventBrokerOptions, resolveBrokerOptions } from './event-broker.options';
import { EventOutbox } from './event-outbox';

const NANOS_PER_SECOND = 1_000_000_000;
/** transport-node's own declarations reach nats-core through subpath exports our `node10` resolution cannot follow. */
const connectNats = connect as unknown as (options: ConnectionOptions) => Promise<NatsConnection>;
const DRAIN_BATCH = 200;
const MAX_BACKOFF_MS = 30_000;

export interface EventBrokerStats {
  connected: boolean;
  published: number;
  outboxed: number;
  outboxSize: number;
  /** Events published from the outbox (also counted in `published`). */
  drained: number;
  /** Events lost because the outbox was full. */
  dropped: number;
}

/**
 * Publishes every EHR event to NATS JetStream: subject `<prefix>.<event name>`,
 * the event id as message id (JetStream drops duplicates), a CloudEvents 1.0
 * envelope. When NATS is unreachable or slow, events go to a SQLite outbox and
 * are published in order once it is back (also after a restart). As an
 * `@OnEhrEvent('**')` listener it never blocks a request in async mode, and in
 * strict mode a request completes only once its events are in JetStream or in
 * the outbox.
 */
@Injectable()
export class EventBrokerPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EventBroker');
  private readonly outbox: EventOutbox;
  private readonly prefix: string;
  private connection?: NatsConnection;
  private js?: JetStreamClient;
  private draining?: Promise<void>;
  private backoffMs = 500;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  /** Set after a failed connection attempt: the next ones log at debug, so an outage is one warning. */
  private unreachable = false;
  private readonly counters = { published: 0, outboxed: 0, drained: 0, dropped: 0 };

  private readonly options: Required<EventBrokerOptions>;

  constructor(@InjectEventBrokerOptions() options: EventBrokerOptions) {
    this.options = resolveBrokerOptions(options);
    this.prefix = this.options.subjectPrefix;
    this.outbox = new EventOutbox(this.options.outboxPath, this.options.outboxCapacity);
  }

  onModuleInit(): void {
    void this.connect();
  }

  stats(): EventBrokerStats {
    return { connected: this.js !== undefined, ...this.counters, outboxSize: this.outbox.count };
  }

  /** Resolves when the outbox is empty and connected, or rejects after `timeoutMs`. */
  async flushed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outbox.count > 0 || !this.js) {
      if (Date.now() > deadline) throw new Error(`outbox still holds ${this.outbox.count} event(s)`);
      await (this.draining ?? new Promise((resolve) => setTimeout(resolve, 50)));
    }
  }

  @OnEhrEvent('**')
  async deliver(event: EHREvent): Promise<void> {
    const subject = `${this.prefix}.${event.eventType}`;
    const body = JSON.stringify(toCloudEvent(event, this.options.source, this.options.includeResource));
    // While anything waits in the outbox, new events queue behind it, so that order is kept.
    if (this.js && this.outbox.count === 0) {
      try {
        const js = this.js;
        await inSpan(
          'ehr.broker.publish',
          { ...eventSpanAttributes(event), 'messaging.destination.name': subject },
          () => js.publish(subject, body, { msgID: event.id, timeout: this.options.publishTimeoutMs }),
        );
        this.counters.published++;
        return;
      } catch (error) {
        this.logger.warn(`Publishing ${event.id} failed (${(error as Error).message}); keeping it in the outbox`);
      }
    }
    this.toOutbox(event.id, subject, body);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.draining;
    // Every publish was awaited already; close rather than drain, which waits on a connection that may be down.
    await this.connection?.close().catch(() => undefined);
    this.outbox.close();
  }

  private toOutbox(id: string, subject: string, body: string): void {
    if (this.outbox.append(id, subject, body)) {
      this.counters.outboxed++;
      this.scheduleDrain(0);
      return;
    }
    this.counters.dropped++;
    // Thrown (and logged by the dispatcher), so that in strict mode the request fails rather than
    // complete without a durable record.
    throw new Error(
      `Event outbox full (${this.outbox.capacity} events): event ${id} was not recorded; dropped=${this.counters.dropped}`,
    );
  }

  private async connect(): Promise<void> {
    try {
      const connection = await connectNats({
        servers: this.options.url,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
      this.connection = connection;
      await this.ensureStream(connection);
      this.js = jetstream(connection, { timeout: this.options.publishTimeoutMs });
      this.logger.log(`Publishing events to JetStream stream ${this.streamName} (${this.prefix}.>)`);
      this.unreachable = false;
      this.backoffMs = 500;
      this.scheduleDrain(0);
      void (async () => {
        for await (const status of connection.status()) {
          if (status.type === 'reconnect') this.scheduleDrain(0);
        }
      })();
    } catch (error) {
      if (this.closed) return;
      const reason = (error as Error).message;
      if (this.unreachable) {
        this.logger.debug(`NATS still unreachable (${reason}); ${this.outbox.count} event(s) in the outbox`);
      } else {
        this.logger.warn(
          `EVENTS_BROKER_URL: NATS at ${withoutCredentials(this.options.url)} unreachable (${reason}); events wait in the outbox and are published once it answers. Start NATS there, or unset EVENTS_BROKER_URL to keep events in the process`,
        );
      }
      this.unreachable = true;
      this.retryTimer = setTimeout(() => void this.connect(), this.nextBackoff());
    }
  }

  private get streamName(): string {
    return this.options.stream;
  }

  private async ensureStream(connection: NatsConnection): Promise<void> {
    const jsm = await jetstreamManager(connection);
    const config = {
      name: this.streamName,
      subjects: [`${this.prefix}.>`],
      max_age: this.options.maxAgeSeconds * NANOS_PER_SECOND,
      duplicate_window: this.options.duplicateWindowSeconds * NANOS_PER_SECOND,
    };
    const existing = await jsm.streams.info(this.streamName).catch(() => undefined);
    if (!existing) await jsm.streams.add(config);
    else if (this.options.manageStream) await jsm.streams.update(this.streamName, config);
  }

  private scheduleDrain(delayMs: number): void {
    if (this.closed || this.draining || this.outbox.count === 0 || !this.js) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.draining = this.drain().finally(() => (this.draining = undefined));
    }, delayMs);
  }

  /** Publishes the outbox from the oldest event, stopping at the first failure (and retrying later). */
  private async drain(): Promise<void> {
    while (!this.closed && this.js && this.outbox.count > 0) {
      for (const entry of this.outbox.peek(DRAIN_BATCH)) {
        try {
          await this.js.publish(entry.subject, entry.body, {
            msgID: entry.id,
            timeout: this.options.publishTimeoutMs,
          });
        } catch (error) {
          this.logger.warn(`Outbox drain paused (${(error as Error).message}); ${this.outbox.count} event(s) waiting`);
          this.retryTimer = setTimeout(() => this.scheduleDrain(0), this.nextBackoff());
          return;
        }
        this.outbox.delete(entry.seq);
        this.counters.published++;
        this.counters.drained++;
      }
    }
    this.backoffMs = 500;
  }

  private nextBackoff(): number {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    return delay;
  }
}
