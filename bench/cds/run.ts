/**
 * bench:cds — (1) invoke throughput of a CDS service returning one fixed card
 * against a plain Nest route returning the same JSON, same process, same run,
 * with the plain route measured twice (A/A) to show the noise band, and the
 * server's CPU time per request of each (steadier than req/s on a shared machine);
 * (2) the vitals-review sample service with every prefetch key fetched on miss
 * from the embedded store, 50 connections: p99 against the 500 ms the
 * specification expects.
 */
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { LoadResult, load, mean, ratio } from '../support/autocannon';
import { startGatewayProcess } from '../support/gateway-process';
import { CpuPerRequest } from '../support/server-cpu';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const patientView = (patientId: string) =>
  JSON.stringify({
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    context: { userId: 'Practitioner/example', patientId },
  });

const post = (url: string, body: string, connections: number, seconds: number) =>
  load(url, connections, seconds, { body, headers: { 'content-type': 'application/json' } });

// BENCH_PROFILE=<dir>: the gateway process writes a V8 CPU profile there when the bench ends (open it in Chrome DevTools).
const PROFILE: Record<string, string> = process.env.BENCH_PROFILE
  ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` }
  : {};

void (async () => {
  const server = await startGatewayProcess(
    { FHIR_SEED_PATIENTS: '100', GATEWAY_AUTH: 'none', GATEWAY_PUBLIC_URL: 'http://127.0.0.1', ...PROFILE },
    join(__dirname, 'fixed-card-server.ts'),
  );
  try {
    const body = patientView('p1');
    const cds = `${server.url}/cds-services/fixed-card`;
    const plain = `${server.url}/plain/fixed-card`;
    type Route = 'plain' | 'plainAgain' | 'cds';
    const url: Record<Route, string> = { plain, plainAgain: plain, cds };
    const order: Route[] = ['plain', 'plainAgain', 'cds'];
    for (const route of ['plain', 'cds'] as const) await post(url[route], body, 50, 2); // warm-up
    const runs: Record<Route, LoadResult[]> = { plain: [], plainAgain: [], cds: [] };
    const cpu: Record<Route, CpuPerRequest> = {
      plain: new CpuPerRequest(),
      plainAgain: new CpuPerRequest(),
      cds: new CpuPerRequest(),
    };
    // Rotate which route goes first, so that drift in the machine's load hits all alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < order.length; i++) {
        const route = order[(round + i) % order.length];
        runs[route].push(await cpu[route].measure(server.process, SECONDS, () => post(url[route], body, 50, SECONDS)));
      }
    }
    const p = mean(runs.plain);
    console.log(`Fixed-card CDS service vs plain Nest route, 50 connections, ${ROUNDS} rounds of ${SECONDS} s`);
    const cpuPerRequest = (route: Route) => cpu[route].value;
    console.log(
      '| route | req/s | p50 ms | p99 ms | errors | ratio to plain | server CPU us/request | CPU ratio (plain/route) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [label, route] of [
      ['plain Nest route', 'plain'],
      ['plain Nest route, again (A/A)', 'plainAgain'],
      ['CDS invoke (target >= 0.85)', 'cds'],
    ] as const) {
      const r = mean(runs[route]);
      console.log(
        `| ${label} | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} | ${ratio(r.requestsPerSecond, p.requestsPerSecond)} | ${Math.round(cpuPerRequest(route))} | ${ratio(cpuPerRequest('plain'), cpuPerRequest(route))} |`,
      );
    }

    const bundle = (await (await fetch(`${server.url}/fhir/local/Patient?_count=1`)).json()) as Bundle;
    const patientId = bundle.entry![0].resource!.id!;
    const vitals = await post(`${server.url}/cds-services/vitals-review`, patientView(patientId), 50, SECONDS);
    console.log(
      `\nvitals-review (patient-view), every prefetch key fetched on miss from the embedded store, 50 connections, ${SECONDS} s`,
    );
    console.log('| req/s | p50 ms | p99 ms (target < 500) | errors |');
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| ${Math.round(vitals.requestsPerSecond)} | ${vitals.p50} | ${vitals.p99} | ${vitals.errors + vitals.non2xx} |`,
    );
  } finally {
    server.process.kill();
  }
})();
