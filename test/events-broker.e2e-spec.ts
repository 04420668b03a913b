import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { EhrCloudEvent, EventBrokerPublisher, EventDispatcher } from '@ehr-gateway/events';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';
import { serviceAvailable } from './support/services';
import { TcpProxy } from './support/tcp-proxy';
import { unusedPort } from './support/ports';
import { payloadOf } from './support/event-log';

const NATS = { host: '127.0.0.1', port: 4222 };

describe('durable event stream through NATS JetStream (e2e)', () => {
  let available = false;
  let nc: NatsConnection;
  const prefix = `ehrtest${randomUUID().slice(0, 8)}`;
  const stream = `EHR_TEST_${prefix}`;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    available = await serviceAvailable('NATS', NATS.host, NATS.port);
    if (available) nc = await connect({ servers: `${NATS.host}:${NATS.port}` });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    if (!available) return;
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  async function gateway(
    url: string,
    outboxPath = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite'),
    extra: Record<string, string> = {},
  ) {
    const app = await createTestGateway({
      EVENTS_BROKER_URL: url,
      EVENTS_BROKER_STREAM: stream,
      EVENTS_BROKER_SUBJECT_PREFIX: prefix,
      EVENTS_OUTBOX_PATH: outboxPath,
      ...extra,
    });
    apps.push(app);
    return { app, publisher: app.get(EventBrokerPublisher), outboxPath };
  }

  /** Every message in the test stream, oldest first. */
  async function streamed(): Promise<EhrCloudEvent[]> {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (!info) return [];
    const { state } = info;
    const messages: EhrCloudEvent[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (message) messages.push(message.json<EhrCloudEvent>());
    }
    return messages;
  }

  it('publishes each event once, as a CloudEvent under <prefix>.<event name>, without resource bodies', async () => {
    if (!available) return;
    const { app, publisher } = await gateway(`nats://${NATS.host}:${NATS.port}`);
    await publisher.flushed();
    const patient = await request(app.getHttpServer()).get('/fhir/local/Patient?_count=1').expect(200);
    const id = patient.body.entry[0].resource.id as string;
    await request(app.getHttpServer()).get(`/fhir/local/Patient/${id}`).expect(200);
    await app.get(EventDispatcher).idle();
    await publisher.flushed();

    const events = await streamed();
    const read = events.find((e) => e.type === 'fhir.read')!;
    expect(read).toMatchObject({
      specversion: '1.0',
      source: 'ehr-gateway',
      datacontenttype: 'application/json',
      data: { payload: { resourceId: id } },
    });
    expect(read.id).toBe(read.data.id);
    expect(payloadOf(read.data).resource).toBeUndefined();
    const info = await (await jetstreamManager(nc)).streams.info(stream, { subjects_filter: `${prefix}.>` });
    expect(info.state.subjects).toMatchObject({ [`${prefix}.fhir.read`]: 1, [`${prefix}.fhir.search`]: 1 });

    // The same event again (a redelivery after a crash, say) is dropped by JetStream.
    const before = info.state.messages;
    const ack = await jetstream(nc).publish(`${prefix}.fhir.read`, JSON.stringify(read), { msgID: read.id });
    expect(ack.duplicate).toBe(true);
    expect((await (await jetstreamManager(nc)).streams.info(stream)).state.messages).toBe(before);
  });

  it('keeps events in the outbox while NATS is unreachable and publishes them in order when it is back', async () => {
    if (!available) return;
    const proxy = await new TcpProxy(NATS.host, NATS.port).start();
    const { app, publisher } = await gateway(`nats://127.0.0.1:${proxy.port}`);
    await publisher.flushed();
    await proxy.stop();
    const server = app.getHttpServer();
    const before = (await streamed()).length;
    for (let i = 0; i < 20; i++) await request(server).get('/fhir/local/Patient?_count=1').expect(200);
    await app.get(EventDispatcher).idle();
    expect(publisher.stats().outboxSize).toBeGreaterThan(0);

    await proxy.start();
    await publisher.flushed(30_000);
    const after = await streamed();
    const fresh = after.slice(before);
    expect(fresh).toHaveLength(20);
    expect(fresh.map((e) => e.id)).toEqual([...fresh.map((e) => e.id)].sort()); // UUIDv7 ids: creation order
    await proxy.stop();
  });

  it('resumes publishing a non-empty outbox after a restart', async () => {
    if (!available) return;
    const closed = await unusedPort();
    const first = await gateway(`nats://127.0.0.1:${closed}`);
    for (let i = 0; i < 5; i++)
      await request(first.app.getHttpServer()).get('/fhir/local/Patient?_count=1').expect(200);
    await first.app.get(EventDispatcher).idle();
    expect(first.publisher.stats()).toMatchObject({ connected: false, outboxSize: 5 });
    const ids = (await streamed()).length;
    await first.app.close();
    apps.splice(apps.indexOf(first.app), 1);

    const second = await gateway(`nats://${NATS.host}:${NATS.port}`, first.outboxPath);
    await second.publisher.flushed(30_000);
    expect((await streamed()).length).toBe(ids + 5);
  });

  it('takes the events of two gateway instances into one stream without loss, and one per operation by HTTP or message', async () => {
    if (!available) return;
    const nats = `nats://${NATS.host}:${NATS.port}`;
    const a = await gateway(nats, undefined, {
      GATEWAY_TRANSPORT: nats,
      GATEWAY_TRANSPORT_QUEUE: `${prefix}rpc`,
      GATEWAY_TRANSPORT_SUBJECT_PREFIX: `${prefix}rpc`,
    });
    const b = await gateway(nats);
    await Promise.all([a.publisher.flushed(), b.publisher.flushed()]);
    const before = await streamed();

    const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [nats] } });
    await client.connect();
    try {
      const reads = Array.from({ length: 50 }, (_, i) =>
        request((i % 2 ? a : b).app.getHttpServer())
          .get('/fhir/local/Patient?_count=1')
          .expect(200),
      );
      await Promise.all(reads);
      await firstValueFrom(
        client.send(`${prefix}rpc.fhir.search`, {
          resourceType: 'Patient',
          params: { _count: 1 },
          requestId: 'by-message',
        }),
      );
    } finally {
      await client.close();
    }
    await Promise.all([a.app.get(EventDispatcher).idle(), b.app.get(EventDispatcher).idle()]);
    await Promise.all([a.publisher.flushed(), b.publisher.flushed()]);

    const fresh = (await streamed()).slice(before.length);
    expect(fresh).toHaveLength(51);
    expect(new Set(fresh.map((e) => e.id)).size).toBe(51);
    expect(fresh.filter((e) => e.data.correlationId === 'by-message')).toHaveLength(1);
  });

  it('in strict mode answers once the event is in the outbox, and refuses the request when it cannot be recorded', async () => {
    if (!available) return;
    const closed = await unusedPort();
    const { app, publisher } = await gateway(`nats://127.0.0.1:${closed}`, undefined, {
      EVENTS_DELIVERY: 'strict',
      EVENTS_OUTBOX_CAPACITY: '2',
    });
    const server = app.getHttpServer();
    await request(server).get('/fhir/local/Patient?_count=1').expect(200);
    await request(server).get('/fhir/local/Patient?_count=1').expect(200);
    expect(publisher.stats().outboxSize).toBe(2);
    const refused = await request(server).get('/fhir/local/Patient?_count=1').expect(500);
    expect(refused.body.issue[0].diagnostics).toMatch(/EventBrokerPublisher\.deliver.*the response was withheld/);
    expect(refused.body.entry).toBeUndefined();
  });
});
