import { randomUUID } from 'node:crypto';
import { Injectable, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  EHREvent,
  EHREventType,
  EventConsumerModule,
  OnBrokerEvent,
  newEventId,
  toCloudEvent,
} from '@ehr-gateway/events';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { describeWithService } from './support/services';

const NATS_URL = 'nats://127.0.0.1:4222';

function readEvent(i: number): EHREvent {
  return {
    id: newEventId(),
    eventType: EHREventType.FHIR_READ,
    sourceSystem: 'local',
    timestamp: new Date().toISOString(),
    payload: {
      operation: 'read',
      outcome: 'success',
      status: 200,
      source: 'local',
      resourceType: 'Patient',
      resourceId: `p${i}`,
    },
    metadata: {},
  };
}

/** Waits until `condition()` holds, checking after each event loop turn, failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeWithService('NATS', 'consuming the durable event stream (e2e)', () => {
  let nc: NatsConnection;
  const prefix = `ehrc${randomUUID().slice(0, 8)}`;
  const stream = `EHR_CONSUMER_${prefix}`;
  const contexts: INestApplicationContext[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${prefix}.>`] });
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  async function publish(events: EHREvent[]): Promise<void> {
    const js = jetstream(nc);
    for (const event of events) {
      await js.publish(`${prefix}.${event.eventType}`, JSON.stringify(toCloudEvent(event, 'test', false)), {
        msgID: event.id,
      });
    }
  }

  async function consumer<T extends object>(handler: new () => T, durableName: string, extra: object = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        EventConsumerModule.forRoot({
          url: NATS_URL,
          stream,
          subjectPrefix: prefix,
          durableName,
          backoffMs: [20],
          ...extra,
        }),
      ],
      providers: [handler],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    contexts.push(app);
    return { app, handler: app.get(handler) };
  }

  it('delivers to a stopped consumer, after it restarts, every event produced meanwhile, each once', async () => {
    @Injectable()
    class PatientReads {
      readonly ids = new Set<string>();
      calls = 0;
      @OnBrokerEvent('fhir.patient.*', 'fhir.read')
      take(event: EHREvent) {
        this.calls++;
        this.ids.add(event.id);
      }
    }
    const first = await consumer(PatientReads, 'restart');
    await first.app.close();
    contexts.splice(contexts.indexOf(first.app), 1);

    const events = Array.from({ length: 1000 }, (_, i) => readEvent(i));
    await publish(events);
    const second = await consumer(PatientReads, 'restart');
    await until(() => second.handler.ids.size === 1000);
    expect(second.handler.calls).toBe(1000);
  });

  it('redelivers a failing event and acks it once the handler succeeds; dead-letters one that always fails', async () => {
    const [flaky, doomed] = [readEvent(1), readEvent(2)];
    @Injectable()
    class Picky {
      readonly attempts = new Map<string, number>();
      readonly done = new Set<string>();
      @OnBrokerEvent('**')
      take(event: EHREvent) {
        const attempt = (this.attempts.get(event.id) ?? 0) + 1;
        this.attempts.set(event.id, attempt);
        if (event.id === doomed.id || attempt < 3) throw new Error(`attempt ${attempt} fails`);
        this.done.add(event.id);
      }
    }
    const deadLetters: string[] = [];
    const subscription = nc.subscribe(`deadletter.${prefix}.picky`, {
      callback: (_, message) => {
        deadLetters.push(message.json<{ id: string }>().id);
      },
    });
    const { handler } = await consumer(Picky, 'picky', { maxDeliver: 3 });
    await publish([flaky, doomed]);
    await until(() => handler.done.has(flaky.id) && deadLetters.length === 1);
    expect(handler.attempts.get(flaky.id)).toBe(3);
    expect(handler.attempts.get(doomed.id)).toBe(3);
    expect(deadLetters).toEqual([doomed.id]);
    subscription.unsubscribe();
  });

  it('splits the events between two instances of one durable consumer, without overlap', async () => {
    @Injectable()
    class Worker {
      readonly ids: string[] = [];
      @OnBrokerEvent('**') take(event: EHREvent) {
        this.ids.push(event.id);
      }
    }
    const a = await consumer(Worker, 'shared');
    const b = await consumer(Worker, 'shared');
    const events = Array.from({ length: 400 }, (_, i) => readEvent(i));
    await publish(events);
    // A new durable consumer starts from the beginning of the stream: count this test's events only.
    const ours = new Set(events.map((event) => event.id));
    const mine = (worker: Worker) => worker.ids.filter((id) => ours.has(id));
    await until(() => new Set([...mine(a.handler), ...mine(b.handler)]).size === 400);
    const all = [...mine(a.handler), ...mine(b.handler)];
    expect(all).toHaveLength(400);
    expect(mine(a.handler).length).toBeGreaterThan(0);
    expect(mine(b.handler).length).toBeGreaterThan(0);
  });
});
