/**
 * bench:events — EventDispatcher.emit against EventEmitter2.emit on the same
 * Nest-registered listeners, then HTTP throughput of an intercepted route with
 * events on against the same route with events off. Ratios, same run.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Injectable, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EventDispatcher, EventsModule } from '@ehr-gateway/events';
import { LoadResult, load, mean, ratio } from '../support/autocannon';
import { sampleReadEvent } from '../support/sample-event';
import { pinToCpu } from '../support/cpu';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HTTP_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

let delivered = 0;

function listenerClass(i: number): Type {
  @Injectable()
  class WildcardListener {
    @OnEvent('fhir.**') take(_event: EHREvent) {
      delivered++;
    }
  }
  Object.defineProperty(WildcardListener, 'name', { value: `WildcardListener${i}` });
  return WildcardListener;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function eventsPerSecond(listeners: number): Promise<{ dispatcher: number; emitter: number }> {
  @Module({
    imports: [EventsModule.forRoot({})],
    providers: Array.from({ length: listeners }, (_, i) => listenerClass(i)),
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  await app.init();
  const dispatcher = app.get(EventDispatcher);
  const emitter = app.get(EventEmitter2);
  const event = sampleReadEvent();

  const measure = async (run: () => Promise<void>) => {
    delivered = 0;
    const start = process.hrtime.bigint();
    await run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (delivered !== EVENTS * listeners) throw new Error(`delivered ${delivered}, expected ${EVENTS * listeners}`);
    return EVENTS / seconds;
  };
  const viaDispatcher = () =>
    measure(async () => {
      for (let i = 0; i < EVENTS; i++) dispatcher.emit(event);
      await dispatcher.idle();
    });
  const viaEmitter = () =>
    measure(async () => {
      for (let i = 0; i < EVENTS; i++) emitter.emit(event.eventType, event);
      await settle();
    });

  await viaDispatcher(); // warm-up, both paths
  await viaEmitter();
  const rounds = 3;
  let dispatcherTotal = 0;
  let emitterTotal = 0;
  for (let round = 0; round < rounds; round++) {
    dispatcherTotal += await viaDispatcher();
    emitterTotal += await viaEmitter();
  }
  await app.close();
  return { dispatcher: dispatcherTotal / rounds, emitter: emitterTotal / rounds };
}

function startServer(eventsEnabled: boolean): Promise<{ url: string; process: ChildProcess }> {
  const server = fork(join(__dirname, 'http-server.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, BENCH_EVENTS_ENABLED: String(eventsEnabled) },
  });
  return new Promise((resolve, reject) => {
    server.once('message', (url) => resolve({ url: url as string, process: server }));
    server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

async function httpComparison() {
  const servers = { on: await startServer(true), off: await startServer(false) };
  // autocannon on CPU 0, the servers (one loaded at a time) on CPU 1.
  const pinned =
    pinToCpu(servers.on.process.pid!, 1) && pinToCpu(servers.off.process.pid!, 1) && pinToCpu(process.pid, 0);
  if (!pinned) console.log('(processes not pinned to CPUs: expect more noise)');
  try {
    const path = '/ops/fhir.read/Patient/1';
    const runs = { on: [] as LoadResult[], off: [] as LoadResult[] };
    const run = async (which: 'on' | 'off', seconds: number) =>
      runs[which].push(await load(servers[which].url + path, 50, seconds));
    await run('off', 2); // warm-up
    await run('on', 2);
    runs.on.length = runs.off.length = 0;
    // Alternate which route goes first, so that drift in the machine's load hits both alike.
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const which of order) await run(which, HTTP_SECONDS);
    }
    return { on: mean(runs.on), off: mean(runs.off) };
  } finally {
    servers.on.process.kill();
    servers.off.process.kill();
  }
}

async function main() {
  console.log(
    `EventDispatcher.emit vs EventEmitter2.emit, ${EVENTS} events of fhir.read (Patient), 'fhir.**' listeners`,
  );
  console.log('| listeners | dispatcher events/s | EventEmitter2 events/s | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const listeners of [0, 1, 10]) {
    const { dispatcher, emitter } = await eventsPerSecond(listeners);
    console.log(
      `| ${listeners} | ${Math.round(dispatcher)} | ${Math.round(emitter)} | ${ratio(dispatcher, emitter)} |`,
    );
  }

  const { on, off } = await httpComparison();
  console.log(
    `\nHTTP, autocannon 50 connections, ${HTTP_ROUNDS} rounds (alternating order) of ${HTTP_SECONDS} s, intercepted route`,
  );
  console.log('| events | req/s | p50 ms | p99 ms | errors | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| off | ${Math.round(off.requestsPerSecond)} | ${off.p50} | ${off.p99} | ${off.errors + off.non2xx} | 1.00 |`,
  );
  console.log(
    `| on, 1 listener | ${Math.round(on.requestsPerSecond)} | ${on.p50} | ${on.p99} | ${on.errors + on.non2xx} | ${ratio(on.requestsPerSecond, off.requestsPerSecond)} |`,
  );
}

void main();
