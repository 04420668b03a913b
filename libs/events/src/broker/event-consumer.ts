import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AckPolicy, ConsumerMessages, JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { findDecoratedMethods, problemOf } from '@ehr-gateway/common';
import type { EHREvent } from '../ehr-event';
import { eventNames } from '../event-routing';
import type { EhrCloudEvent } from './cloud-event';
import { InjectEventConsumerOptions } from './event-broker.module-definition';
import { BROKER_DEFAULTS } from './event-broker.options';

const NANOS_PER_MS = 1_000_000;
/** How many recent event ids a consumer remembers to skip redelivered duplicates. */
const SEEN_IDS = 10_000;

const connectNats = connect as unknown as (options: ConnectionOptions) => Promise<NatsConnection>;

const BrokerEventMetadata = DiscoveryService.createDecorator<string[]>();

/**
 * Marks a method of a provider as a handler of events from the broker, with the
 * same patterns as `@OnEvent` (`fhir.*`, `fhir.patient.*`, `**`).
 */
export const OnBrokerEvent = (...patterns: string[]): MethodDecorator => BrokerEventMetadata(patterns);

export interface EventConsumerOptions {
  url: string;
  /** The durable consumer's name: instances with the same name share the work. */
  durableName: string;
  stream?: string;
  subjectPrefix?: string;
  /** Attempts before an event goes to the dead-letter subject. Default 5. */
  maxDeliver?: number;
  /** Delay before each redelivery after a failure, ms (the last repeats). Default 1 s, 5 s, 30 s. */
  backoffMs?: number[];
  /** Where events that kept failing go. Default `deadletter.<prefix>.<durableName>`. */
  deadLetterSubject?: string;
}

type Handler = { name: string; invoke: (event: EHREvent) => unknown };

/**
 * Binds a durable JetStream consumer and dispatches each event to the
 * `@OnBrokerEvent` methods whose patterns match it, each method once. A message
 * is acknowledged only after every handler succeeded; a failure is redelivered
 * with backoff and, after `maxDeliver` attempts, published to the dead-letter
 * subject. Event ids already handled are skipped.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventConsumer');
  private readonly matcher = new EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 0 });
  private readonly handlerOf = new Map<unknown, Handler>();
  private readonly seen = new Set<string>();
  private connection?: NatsConnection;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  constructor(
    @InjectEventConsumerOptions() private readonly options: EventConsumerOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { name, metadata: patterns, invoke } of findDecoratedMethods<string[]>(
      this.discovery,
      this.scanner,
      BrokerEventMetadata.KEY,
    )) {
      const handle = () => undefined;
      this.handlerOf.set(handle, { name, invoke: (event) => invoke(event) });
      patterns.forEach((pattern) => this.matcher.on(pattern, handle));
    }
    const prefix = this.options.subjectPrefix ?? BROKER_DEFAULTS.subjectPrefix;
    const stream = this.options.stream ?? BROKER_DEFAULTS.stream;
    this.connection = await connectNats({ servers: this.options.url, reconnect: true, maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(this.connection);
    await jsm.consumers.add(stream, {
      durable_name: this.options.durableName,
      ack_policy: AckPolicy.Explicit,
      filter_subject: `${prefix}.>`,
      max_deliver: -1,
      ack_wait: 30_000 * NANOS_PER_MS,
    });
    const consumer = await jetstream(this.connection).consumers.get(stream, this.options.durableName);
    this.messages = await consumer.consume({ max_messages: 100 });
    this.loop = (async () => {
      for await (const message of this.messages!) await this.handle(message);
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  private async handle(message: JsMsg): Promise<void> {
    let event: EHREvent;
    try {
      event = message.json<EhrCloudEvent>().data;
    } catch {
      this.logger.error(`Message ${message.seq} on ${message.subject} is not a CloudEvent; sent to the dead letters`);
      return this.deadLetter(message, 'not a CloudEvent');
    }
    if (this.seen.has(event.id)) return message.ack();
    const handlers = [...new Set(eventNames(event).flatMap((name) => this.matcher.listeners(name)))]
      .map((handle) => this.handlerOf.get(handle))
      .filter((handler): handler is Handler => !!handler);
    try {
      for (const handler of handlers) await handler.invoke(event);
    } catch (error) {
      const attempts = message.info.deliveryCount;
      const reason = problemOf(error);
      if (attempts >= (this.options.maxDeliver ?? 5)) {
        this.logger.error(`Event ${event.id} failed ${attempts} times (${reason}); sent to the dead letters`);
        return this.deadLetter(message, reason);
      }
      const backoff = this.options.backoffMs ?? [1000, 5000, 30_000];
      message.nak(backoff[Math.min(attempts - 1, backoff.length - 1)]);
      return;
    }
    this.remember(event.id);
    message.ack();
  }

  private deadLetter(message: JsMsg, reason: string): void {
    const subject =
      this.options.deadLetterSubject ??
      `deadletter.${this.options.subjectPrefix ?? BROKER_DEFAULTS.subjectPrefix}.${this.options.durableName}`;
    this.connection!.publish(subject, message.data);
    this.logger.warn(`Dead letter on ${subject}: ${reason}`);
    message.term(reason);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value!);
  }
}
