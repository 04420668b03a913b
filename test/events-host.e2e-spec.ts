import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Injectable, Logger, Module } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EventBrokerPublisher, EventDispatcher, OnEhrEvent } from '@ehr-gateway/events';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import request from 'supertest';
import { CapturingLogger } from './support/capturing-logger';
import { createTestGateway } from './support/gateway-app';
import { NATS_URL } from './support/nats-gateway';
import { describeWithService } from './support/services';
import { SseClient } from './support/sse-client';

const API_KEY = 'host-events-key-0123456789';
const auth = { 'x-api-key': API_KEY };

/** What a host application adds to the gateway: a listener of its own events, and one of the EHR events. */
@Injectable()
class HostApp {
  readonly orders: unknown[] = [];
  readonly ehr: EHREvent[] = [];
  @OnEvent('orders.created') onOrder(order: unknown) {
    this.orders.push(order);
  }
  @OnEhrEvent('**') onEhr(event: EHREvent) {
    this.ehr.push(event);
  }
}

@Module({ providers: [HostApp] })
class HostModule {}

describeWithService('NATS', "a host app's own events on the gateway's emitter (e2e)", () => {
  const prefix = `hostev${randomUUID().slice(0, 8)}`;
  const stream = `EHR_HOST_${prefix}`;
  const logs = new CapturingLogger();
  let app: INestApplication;
  let nc: NatsConnection;
  let subscription: Subscription;
  const subjects: string[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    subscription = nc.subscribe(`${prefix}.>`);
    void (async () => {
      for await (const message of subscription) subjects.push(message.subject);
    })();
    app = await createTestGateway(
      {
        GATEWAY_API_KEYS: API_KEY,
        EVENTS_BROKER_URL: NATS_URL,
        EVENTS_BROKER_STREAM: stream,
        EVENTS_BROKER_SUBJECT_PREFIX: prefix,
        EVENTS_OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite'),
      },
      [HostModule],
    );
    Logger.overrideLogger(logs);
    await app.listen(0, '127.0.0.1');
    await app.get(EventBrokerPublisher).flushed();
  }, 60_000);
  afterAll(async () => {
    await app.close();
    subscription.unsubscribe();
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('reach the host listener only: not metrics, the broker, the console, the event log or @OnEhrEvent', async () => {
    const emitter = app.get(EventEmitter2);
    const broker = app.get(EventBrokerPublisher);
    const host = app.get(HostApp);
    const viewer = await SseClient.connect(`${await app.getUrl()}/events/stream?pattern=**`, auth);
    try {
      expect(viewer.response.status).toBe(200);
      const before = broker.stats();

      // Shaped like an EHR event, and without any payload: neither reaches a gateway listener.
      const lookalike = { id: 'o1', eventType: 'orders.created', payload: { operation: 'create', outcome: 'success' } };
      expect(emitter.emit('orders.created', lookalike)).toBe(true);
      expect(emitter.emit('orders.created')).toBe(true);
      expect(host.orders).toEqual([lookalike, undefined]);

      // Then one EHR event: it travels the same paths, so anything the host events had sent would be ahead of it.
      await request(app.getHttpServer()).get('/fhir/local/Patient?_count=1').set(auth).expect(200);
      await app.get(EventDispatcher).idle();
      await broker.flushed();
      await viewer.waitFor((message) => message.event === 'ehr');

      expect(host.ehr.map((event) => event.eventType)).toEqual(['fhir.search']);
      expect(viewer.events.map((event) => event.eventType)).toEqual(['fhir.search']);
      expect(broker.stats()).toEqual({ ...before, published: before.published + 1 });
      await waitUntil(() => subjects.length > 0);
      expect(subjects).toEqual([`${prefix}.fhir.search`]);

      const metrics = await request(app.getHttpServer()).get('/metrics').set(auth).expect(200);
      const counted = metrics.text.split('\n').filter((line) => line.startsWith('ehr_events_total{'));
      expect(counted).toEqual(['ehr_events_total{type="fhir.search",outcome="success"} 1']);
      const status = await request(app.getHttpServer()).get('/events/status').set(auth).expect(200);
      expect(Object.keys((status.body as { rates: { types: object } }).rates.types)).toEqual(['fhir.search']);
      expect(logs.messages('error')).toEqual([]);
      // The host's method is the only listener in the emitter's table: no gateway-owned one is there to run.
      expect(emitter.listeners('orders.created')).toHaveLength(1);
      expect(emitter.listenersAny()).toEqual([]);
    } finally {
      viewer.close();
    }
  });
});

/** Resolves once `condition` holds, checking after each turn of the event loop; fails after 5 s. */
async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
