/**
 * bench:console — what the console's event stream costs the API, and how fast
 * an event reaches a viewer.
 *
 * 1. Throughput: autocannon on a FHIR read with no viewer, with 10 viewers
 *    connected to `/events/stream` (each receiving every event), and with none
 *    again (the A/A pair), rounds alternating which of the two loaded conditions
 *    goes first. Gateway and viewers each run in their own process.
 * 2. Latency: sequential reads with 10 viewers connected; for each, the time
 *    from the response arriving here to the event arriving at each viewer.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'undici';
import { load, LoadResult, mean, ratio } from '../support/autocannon';
import { startGatewayProcess } from '../support/gateway-process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 20;
const VIEWERS = 10;
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 500);

function request<T>(child: ChildProcess, message: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: { type: string }) => {
      if (reply.type !== answer) return;
      child.off('message', onMessage);
      resolve(reply as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

void (async () => {
  const gateway = await startGatewayProcess({ FHIR_SEED_PATIENTS: '20' });
  const viewers = fork(join(__dirname, 'viewers.ts'), [`${gateway.url}/events/stream?pattern=**`], {
    execArgv: ['-r', '@swc-node/register'],
  });
  await new Promise((resolve) => viewers.once('message', resolve));
  try {
    const search = (await (await fetch(`${gateway.url}/fhir/local/Patient?_count=1`)).json()) as {
      entry: Array<{ resource: { id: string } }>;
    };
    const readUrl = `${gateway.url}/fhir/local/Patient/${search.entry[0].resource.id}`;
    await load(readUrl, CONNECTIONS, 2); // warm-up

    const runs: Record<'none' | 'noneAgain' | 'ten', LoadResult[]> = { none: [], noneAgain: [], ten: [] };
    const withViewers = async () => {
      await request(viewers, { type: 'connect', count: VIEWERS }, 'connected');
      runs.ten.push(await load(readUrl, CONNECTIONS, SECONDS));
      await request(viewers, { type: 'disconnect' }, 'disconnected');
    };
    for (let round = 0; round < ROUNDS; round++) {
      runs.none.push(await load(readUrl, CONNECTIONS, SECONDS));
      if (round % 2 === 0) {
        await withViewers();
        runs.noneAgain.push(await load(readUrl, CONNECTIONS, SECONDS));
      } else {
        runs.noneAgain.push(await load(readUrl, CONNECTIONS, SECONDS));
        await withViewers();
      }
    }
    const none = mean(runs.none);
    const noneAgain = mean(runs.noneAgain);
    const ten = mean(runs.ten);
    const baseline = (none.requestsPerSecond + noneAgain.requestsPerSecond) / 2;
    console.log(`FHIR read, autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s`);
    console.log('| viewers | req/s | p50 ms | p99 ms | errors | ratio to no viewer |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    const line = (name: string, r: LoadResult, base: number) =>
      console.log(
        `| ${name} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} | ${ratio(r.requestsPerSecond, base)} |`,
      );
    line('none (A)', none, none.requestsPerSecond);
    line('none again (A/A)', noneAgain, none.requestsPerSecond);
    line(`${VIEWERS} (target >= 0.95)`, ten, baseline);

    // Latency: sequential reads, each tagged with its own request id.
    await request(viewers, { type: 'connect', count: VIEWERS }, 'connected');
    const pool = new Pool(gateway.url, { connections: 1 });
    const answered = new Map<string, number>();
    const path = new URL(readUrl).pathname;
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const id = `latency-${i}`;
      const response = await pool.request({ path, method: 'GET', headers: { 'x-request-id': id } });
      await response.body.arrayBuffer();
      answered.set(id, performance.timeOrigin + performance.now());
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await pool.close();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last events in flight
    const report = await request<{ arrivals: Record<string, number[]> }>(viewers, { type: 'report' }, 'report');
    const latencies: number[] = [];
    let missing = 0;
    for (const [id, at] of answered) {
      const arrivals = report.arrivals[id] ?? [];
      missing += VIEWERS - arrivals.length;
      for (const arrival of arrivals) latencies.push(Math.max(0, arrival - at));
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `\nEvent to viewer after the response (${LATENCY_SAMPLES} reads x ${VIEWERS} viewers, ${latencies.length} arrivals, ${missing} missing):` +
        ` p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms (target p99 <= 100 ms)`,
    );
  } finally {
    viewers.send({ type: 'exit' });
    gateway.process.kill();
  }
})();
