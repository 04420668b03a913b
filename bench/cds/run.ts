/**
 * bench:cds — (1) invoke throughput of a CDS service returning one fixed card
 * against a plain Nest route returning the same JSON, same process, same run;
 * (2) the vitals-review sample service with every prefetch key fetched on miss
 * from the embedded store, 50 connections: p99 against the 500 ms the
 * specification expects.
 */
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { LoadResult, load, mean, ratio } from '../support/autocannon';
import { startGatewayProcess } from '../support/gateway-process';

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

void (async () => {
  const server = await startGatewayProcess({ FHIR_SEED_PATIENTS: '100' }, join(__dirname, 'fixed-card-server.ts'));
  try {
    const body = patientView('p1');
    const cds = `${server.url}/cds-services/fixed-card`;
    const plain = `${server.url}/plain/fixed-card`;
    await post(cds, body, 50, 2); // warm-up
    await post(plain, body, 50, 2);
    const runs = { cds: [] as LoadResult[], plain: [] as LoadResult[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['plain', 'cds'] as const) : (['cds', 'plain'] as const);
      for (const which of order) runs[which].push(await post(which === 'cds' ? cds : plain, body, 50, SECONDS));
    }
    const [c, p] = [mean(runs.cds), mean(runs.plain)];
    console.log(`Fixed-card CDS service vs plain Nest route, 50 connections, ${ROUNDS} rounds of ${SECONDS} s`);
    console.log('| route | req/s | p50 ms | p99 ms | errors | ratio (>= 0.85) |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(
      `| plain Nest route | ${Math.round(p.requestsPerSecond)} | ${p.p50} | ${p.p99} | ${p.errors + p.non2xx} | 1.00 |`,
    );
    console.log(
      `| CDS invoke | ${Math.round(c.requestsPerSecond)} | ${c.p50} | ${c.p99} | ${c.errors + c.non2xx} | ${ratio(c.requestsPerSecond, p.requestsPerSecond)} |`,
    );

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
