/**
 * bench:events — EventDispatcher.emit against a bare EventEmitter2.emit with
 * the same number of wildcard listeners, then HTTP throughput of an
 * intercepted route with events on against the same route with events off,
 * beside an A/A run (a second events-off server) that shows the noise band.
 * Ratios, same run.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Injectable, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EventDispatcher, EventsModule } from '@ehr-gateway/events';
import { LoadResult, load, mean, ratio, sendRequests } from '../support/autocannon';
import { CallgrindServer, callgrindAvailable } from '../support/instructions';
import { sampleReadEvent } from '../support/sample-event';
import { pinToCpu } from '../support/cpu';
import { CpuPerRequest } from '../support/server-cpu';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const HTTP_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** Requests per callgrind count (0: no instruction counts); each server is counted twice. */
const CALLGRIND_REQUESTS = Number(process.env.BENCH_CALLGRIND_REQUESTS ?? 1000);
const CALLGRIND_WARMUP = 3000;
/** Which parts to run (`dispatcher,http,instructions` by default). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'dispatcher,http,instructions').split(','));

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
  // The reference: a bare EventEmitter2 (the gateway's own refuses EHR names to anyone but the dispatcher).
  const emitter = new EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 0 });
  for (let i = 0; i < listeners; i++) emitter.on('bench.**', () => void delivered++);
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
      for (let i = 0; i < EVENTS; i++) emitter.emit('bench.read', event);
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

type Server = 'off' | 'offAgain' | 'on';
const ROUTE = '/ops/fhir.read/Patient/1';

async function httpComparison(): Promise<Record<Server, LoadResult & { cpuPerRequest: number }>> {
  const servers = { off: await startServer(false), offAgain: await startServer(false), on: await startServer(true) };
  // autocannon on CPU 0, the servers (one loaded at a time) on CPU 1.
  const pinned = Object.values(servers).every((server) => pinToCpu(server.process.pid!, 1)) && pinToCpu(process.pid, 0);
  if (!pinned) console.log('(processes not pinned to CPUs: expect more noise)');
  try {
    const runs: Record<Server, LoadResult[]> = { off: [], offAgain: [], on: [] };
    const cpu = { off: new CpuPerRequest(), offAgain: new CpuPerRequest(), on: new CpuPerRequest() };
    const run = async (which: Server, seconds: number) =>
      runs[which].push(
        await cpu[which].measure(servers[which].process, seconds, () => load(servers[which].url + ROUTE, 50, seconds)),
      );
    const order: Server[] = ['off', 'offAgain', 'on'];
    for (const which of order) await load(servers[which].url + ROUTE, 50, 2); // warm-up
    // Rotate which server goes first, so that drift in the machine's load hits all alike.
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      for (let i = 0; i < order.length; i++) await run(order[(round + i) % order.length], HTTP_SECONDS);
    }
    const result = (which: Server) => ({ ...mean(runs[which]), cpuPerRequest: cpu[which].value });
    return { off: result('off'), offAgain: result('offAgain'), on: result('on') };
  } finally {
    Object.values(servers).forEach((server) => server.process.kill());
  }
}

/**
 * Instructions per request of each server, counted by callgrind over a fixed
 * number of requests after an uncounted warm-up, one server at a time: the
 * same work gives nearly the same count whatever else the machine runs.
 */
async function instructionCounts(): Promise<Record<Server, number[]>> {
  const counts: Record<Server, number[]> = { off: [], on: [], offAgain: [] };
  for (const which of ['off', 'on', 'offAgain'] as const) {
    const server = new CallgrindServer(join(__dirname, 'http-server.ts'), {
      BENCH_EVENTS_ENABLED: String(which === 'on'),
    });
    try {
      const url = (await server.url) + ROUTE;
      await sendRequests(url, 10, CALLGRIND_WARMUP);
      // The first count after instrumentation starts runs high (the JIT settles again): counted, not kept.
      await server.countInstructions(() => sendRequests(url, 10, CALLGRIND_REQUESTS / 2));
      for (let round = 0; round < 2; round++) {
        const { instructions, result: answered } = await server.countInstructions(() =>
          sendRequests(url, 10, CALLGRIND_REQUESTS),
        );
        counts[which].push(instructions / answered);
      }
    } finally {
      await server.stop();
    }
  }
  return counts;
}

async function main() {
  if (PHASES.has('dispatcher')) await dispatcherComparison();
  if (PHASES.has('http')) await printHttpComparison();
  if (PHASES.has('instructions') && CALLGRIND_REQUESTS > 0) await printInstructionCounts();
}

async function dispatcherComparison() {
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
}

async function printHttpComparison() {
  const http = await httpComparison();
  console.log(
    `\nHTTP, autocannon 50 connections, ${HTTP_ROUNDS} rounds (rotating order) of ${HTTP_SECONDS} s, intercepted route`,
  );
  console.log(
    '| server | req/s | p50 ms | p99 ms | errors | ratio to events off | server CPU us/request | CPU ratio (off/server) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const row = (label: string, result: LoadResult & { cpuPerRequest: number }) =>
    console.log(
      `| ${label} | ${Math.round(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${result.errors + result.non2xx} | ${ratio(result.requestsPerSecond, http.off.requestsPerSecond)} | ${Math.round(result.cpuPerRequest)} | ${ratio(http.off.cpuPerRequest, result.cpuPerRequest)} |`,
    );
  row('events off', http.off);
  row('events off, again (A/A)', http.offAgain);
  row('events on, 1 listener (target >= 0.95)', http.on);
}

async function printInstructionCounts() {
  if (!callgrindAvailable()) {
    console.log('\n(valgrind not found: no instruction counts)');
    return;
  }
  const counts = await instructionCounts();
  console.log(
    `\nInstructions per request (callgrind, ${CALLGRIND_REQUESTS} requests x 2 counts per server, 10 connections, after ${CALLGRIND_WARMUP} uncounted and ${CALLGRIND_REQUESTS / 2} counted but not kept)`,
  );
  console.log('| server | instructions/request, count 1 / count 2 | ratio (off/server, means) |');
  console.log('| --- | --- | --- |');
  const meanOf = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  for (const [label, which] of [
    ['events off', 'off'],
    ['events off, again (A/A)', 'offAgain'],
    ['events on, 1 listener (target >= 0.95)', 'on'],
  ] as const) {
    console.log(
      `| ${label} | ${counts[which].map((value) => Math.round(value).toLocaleString('en-US')).join(' / ')} | ${ratio(meanOf(counts.off), meanOf(counts[which]))} |`,
    );
  }
}

void main();
