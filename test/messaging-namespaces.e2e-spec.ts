import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { EventBrokerPublisher } from '@ehr-gateway/events';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Bundle } from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';
import { EventLogModule } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { NATS_URL, natsClient, natsTestGateway } from './support/nats-gateway';
import { describeWithService } from './support/services';

const NANOS_PER_SECOND = 1_000_000_000;

describeWithService('NATS', 'Security: namespaced messaging on a shared NATS (e2e)', () => {
  let nc: NatsConnection;
  let client: ClientProxy;
  const apps: INestApplication[] = [];
  const streams: string[] = [];
  // Tests here start their own gateways: give them room on a loaded machine.
  jest.setTimeout(90_000);
  const unique = (name: string) => `${name}${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    client = await natsClient();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    const jsm = await jetstreamManager(nc);
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
    await client.close();
    await nc.close();
  });

  const gateway = async (env: Record<string, string>) => {
    const app = await createTestGateway(env, [EventLogModule]);
    apps.push(app);
    return app;
  };

  it('two deployments on one NATS answer only the calls under their own subject prefix', async () => {
    const { app: blueApp, ns: blue, events: blueEvents } = await natsTestGateway('blue');
    const { app: greenApp, events: greenEvents } = await natsTestGateway('green');
    apps.push(blueApp, greenApp);
    await Promise.all([blueEvents(), greenEvents()]);

    for (let i = 0; i < 6; i++) {
      const bundle = await firstValueFrom(
        client.send<Bundle>(`${blue}.fhir.search`, { resourceType: 'Patient', params: { _count: 1 } }),
      );
      expect(bundle.resourceType).toBe('Bundle');
    }
    expect((await blueEvents()).map((event) => event.eventType)).toEqual(Array(6).fill('fhir.search'));
    expect(await greenEvents()).toEqual([]);
  });

  describe('the events stream', () => {
    const startBroker = async (stream: string, prefix: string, extra: Record<string, string> = {}) => {
      const app = await gateway({
        EVENTS_BROKER_URL: NATS_URL,
        EVENTS_BROKER_STREAM: stream,
        EVENTS_BROKER_SUBJECT_PREFIX: prefix,
        EVENTS_OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite'),
        ...extra,
      });
      await app.get(EventBrokerPublisher).flushed();
      return app;
    };

    it('a missing stream is created', async () => {
      const prefix = unique('nsnew');
      const stream = `EHR_NS_${prefix}`;
      streams.push(stream);
      await startBroker(stream, prefix, { EVENTS_BROKER_MAX_AGE_SECONDS: '3600' });
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      expect(info.config).toMatchObject({ subjects: [`${prefix}.>`], max_age: 3600 * NANOS_PER_SECOND });
    });

    it("an existing stream's settings are left alone unless EVENTS_BROKER_MANAGE_STREAM=true", async () => {
      const prefix = unique('nsold');
      const stream = `EHR_NS_${prefix}`;
      streams.push(stream);
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], max_age: 30 * 24 * 3600 * NANOS_PER_SECOND });

      await startBroker(stream, prefix, { EVENTS_BROKER_MAX_AGE_SECONDS: '3600' });
      expect((await jsm.streams.info(stream)).config.max_age).toBe(30 * 24 * 3600 * NANOS_PER_SECOND);

      await startBroker(stream, prefix, { EVENTS_BROKER_MAX_AGE_SECONDS: '3600', EVENTS_BROKER_MANAGE_STREAM: 'true' });
      expect((await jsm.streams.info(stream)).config.max_age).toBe(3600 * NANOS_PER_SECOND);
    });
  });
});
