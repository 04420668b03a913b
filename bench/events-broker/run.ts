/**
 * bench:events-broker — (1) events per second from the dispatcher into
 * JetStream (none lost: the stream holds exactly N) against a bare
 * @nats-io/jetstream publish loop of the same envelopes, same run; (2) the
 * outbox drain rate after an outage; (3) HTTP throughput of a FHIR read with
 * the broker on against off.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  EventBrokerModule,
  EventBrokerPublisher,
  EventDispatcher,
  EventsModule,
  toCloudEvent,
} from '@ehr-gateway/events';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Bundle } from '@medplum/fhirtypes';
import { load, ratio } from '../support/autocannon';
import { sampleReadEvent } from '../support/sample-event';
import { startGatewayProcess } from '../support/gateway-process';
import { TcpProxy } from '../../test/support/tcp-proxy';

const NATS = 'nats://127.0.0.1:4222';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function streamCount(jsm: Awaited<ReturnType<typeof jetstreamManager>>, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

void (async () => {
  const nc = await connect({ servers: NATS });
  const jsm = await jetstreamManager(nc);
  const prefix = `ehrbench${randomUUID().slice(0, 6)}`;
  const stream = `EHR_BENCH_${prefix}`;
  try {
    // (1a) bare publish loop, batches of 1,000 in flight
    const bareStream = `${stream}_BARE`;
    await jsm.streams.add({ name: bareStream, subjects: [`${prefix}bare.>`] });
    const envelopes = Array.from({ length: EVENTS }, () => sampleReadEvent());
    const js = jetstream(nc);
    let start = performance.now();
    for (let i = 0; i < EVENTS; i += 1000) {
      await Promise.all(
        envelopes
          .slice(i, i + 1000)
          .map((e) =>
            js.publish(`${prefix}bare.fhir.read`, JSON.stringify(toCloudEvent(e, 'bench', false)), { msgID: e.id }),
          ),
      );
    }
    const bareRate = EVENTS / ((performance.now() - start) / 1000);
    await jsm.streams.delete(bareStream);

    // (1b) the dispatcher with the broker publisher, until the stream holds every event
    const outboxPath = join(mkdtempSync(join(tmpdir(), 'bench-outbox-')), 'outbox.sqlite');
    @Module({
      imports: [
        EventsModule.forRoot({}),
        EventBrokerModule.forRoot({ url: NATS, stream, subjectPrefix: prefix, outboxPath }),
      ],
    })
    class BrokerBenchModule {}
    const app = await NestFactory.createApplicationContext(BrokerBenchModule, { logger: false });
    await app.init();
    const publisher = app.get(EventBrokerPublisher);
    await publisher.flushed();
    const dispatcher = app.get(EventDispatcher);
    start = performance.now();
    for (let i = 0; i < EVENTS; i++) dispatcher.emit(sampleReadEvent());
    await dispatcher.idle();
    await waitFor(async () => (await streamCount(jsm, stream)) >= EVENTS);
    const gatewayRate = EVENTS / ((performance.now() - start) / 1000);
    const stored = await streamCount(jsm, stream);
    await app.close();

    // (2) outbox drain after an outage: events emitted while NATS is unreachable, then NATS back
    const proxy = await new TcpProxy('127.0.0.1', 4222).start();
    @Module({
      imports: [
        EventsModule.forRoot({}),
        EventBrokerModule.forRoot({
          url: `nats://127.0.0.1:${proxy.port}`,
          stream,
          subjectPrefix: prefix,
          outboxPath: join(mkdtempSync(join(tmpdir(), 'bench-outbox-')), 'o.sqlite'),
        }),
      ],
    })
    class OutageModule {}
    const outage = await NestFactory.createApplicationContext(OutageModule, { logger: false });
    await outage.init();
    const outagePublisher = outage.get(EventBrokerPublisher);
    await outagePublisher.flushed();
    await proxy.stop();
    const outageDispatcher = outage.get(EventDispatcher);
    const backlog = Math.min(EVENTS, 10_000);
    for (let i = 0; i < backlog; i++) outageDispatcher.emit(sampleReadEvent());
    await outageDispatcher.idle();
    const queued = outagePublisher.stats().outboxSize;
    await proxy.start();
    start = performance.now();
    await outagePublisher.flushed(120_000);
    const drainRate = queued / ((performance.now() - start) / 1000);
    await outage.close();
    await proxy.stop();

    console.log(`Events into JetStream, ${EVENTS} fhir.read events`);
    console.log('| path | events/s | stored | ratio (>= 0.5) |');
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| bare @nats-io/jetstream publish loop (1,000 in flight) | ${Math.round(bareRate)} | ${EVENTS} | 1.00 |`,
    );
    console.log(
      `| EventDispatcher -> EventBrokerPublisher | ${Math.round(gatewayRate)} | ${stored} | ${ratio(gatewayRate, bareRate)} |`,
    );
    console.log(
      `\nOutbox drain after an outage: ${queued} events (includes reconnecting) at ${Math.round(drainRate)} events/s`,
    );

    // (3) HTTP with the broker on against off
    const off = await startGatewayProcess({ FHIR_SEED_PATIENTS: '10' });
    const on = await startGatewayProcess({
      FHIR_SEED_PATIENTS: '10',
      EVENTS_BROKER_URL: NATS,
      EVENTS_BROKER_STREAM: stream,
      EVENTS_BROKER_SUBJECT_PREFIX: prefix,
      EVENTS_OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), 'bench-outbox-')), 'h.sqlite'),
    });
    try {
      const id = async (url: string) =>
        ((await (await fetch(`${url}/fhir/local/Patient?_count=1`)).json()) as Bundle).entry![0].resource!.id!;
      const [offUrl, onUrl] = [
        `${off.url}/fhir/local/Patient/${await id(off.url)}`,
        `${on.url}/fhir/local/Patient/${await id(on.url)}`,
      ];
      await load(offUrl, 50, 2);
      await load(onUrl, 50, 2);
      const offResult = await load(offUrl, 50, SECONDS);
      const onResult = await load(onUrl, 50, SECONDS);
      console.log(`\nHTTP FHIR read, 50 connections, ${SECONDS} s each`);
      console.log('| broker | req/s | p50 ms | p99 ms | errors | ratio (>= 0.9) |');
      console.log('| --- | --- | --- | --- | --- | --- |');
      console.log(
        `| off | ${Math.round(offResult.requestsPerSecond)} | ${offResult.p50} | ${offResult.p99} | ${offResult.errors + offResult.non2xx} | 1.00 |`,
      );
      console.log(
        `| on | ${Math.round(onResult.requestsPerSecond)} | ${onResult.p50} | ${onResult.p99} | ${onResult.errors + onResult.non2xx} | ${ratio(onResult.requestsPerSecond, offResult.requestsPerSecond)} |`,
      );
    } finally {
      off.process.kill();
      on.process.kill();
    }
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
})();
