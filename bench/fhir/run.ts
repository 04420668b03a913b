/**
 * bench:fhir — (1) read and search through the gateway to an upstream FHIR
 * server against the same upstream called directly, same run, autocannon at 1
 * and 50 connections; (2) embedded-store search latency with 10,000 patients.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { FhirStore, syntheticPatientBundles } from '@ehr-gateway/fhir-store';
import { load, ratio, sequentialLatency } from '../support/autocannon';
import { startGatewayProcess } from '../support/gateway-process';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const STORE_PATIENTS = Number(process.env.BENCH_PATIENTS ?? 10_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 2000);

async function proxyComparison() {
  const upstream = await startGatewayProcess({ FHIR_SEED_PATIENTS: '100' });
  const upstreamBase = `${upstream.url}/fhir/local`;
  const gateway = await startGatewayProcess({
    FHIR_SEED_PATIENTS: '0',
    FHIR_SOURCES: JSON.stringify({ upstream: upstreamBase }),
  });
  try {
    const bundle = (await (await fetch(`${upstreamBase}/Patient?_count=1`)).json()) as Bundle;
    const id = bundle.entry![0].resource!.id!;
    const paths = { read: `Patient/${id}`, search: 'Observation?code=http://loinc.org|8867-4&_count=10' };
    const rows: string[] = [];
    for (const [name, path] of Object.entries(paths)) {
      const direct = `${upstreamBase}/${path}`;
      const proxied = `${gateway.url}/fhir/upstream/${path}`;
      await load(direct, 10, 1); // warm-up
      await load(proxied, 10, 1);
      // Alternate direct and proxied runs so that drift in the machine's load hits both alike.
      const direct1 = await sequentialLatency(direct, LATENCY_REQUESTS);
      const gateway1 = await sequentialLatency(proxied, LATENCY_REQUESTS);
      const direct50 = await load(direct, 50, SECONDS);
      const gateway50 = await load(proxied, 50, SECONDS);
      rows.push(
        `| ${name} | ${Math.round(direct50.requestsPerSecond)} | ${Math.round(gateway50.requestsPerSecond)} | ${ratio(gateway50.requestsPerSecond, direct50.requestsPerSecond)} | ` +
          `${direct1.p50.toFixed(3)} | ${gateway1.p50.toFixed(3)} | ${(gateway1.p50 - direct1.p50).toFixed(3)} | ${gateway50.errors + gateway50.non2xx} |`,
      );
    }
    console.log(
      `Through the gateway vs direct to the upstream (50 connections: autocannon, ${SECONDS} s; 1 connection: ${LATENCY_REQUESTS} sequential requests)`,
    );
    console.log(
      '| request | direct req/s (50 conn) | gateway req/s (50 conn) | ratio (>= 0.5) | direct p50 ms (1 conn) | gateway p50 ms (1 conn) | added p50 ms (<= 1) | errors |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    rows.forEach((row) => console.log(row));
  } finally {
    gateway.process.kill();
    upstream.process.kill();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function storeSearchLatency() {
  const store = new FhirStore({ path: ':memory:' });
  const started = Date.now();
  const bundles = syntheticPatientBundles({ patients: STORE_PATIENTS, seed: 7 });
  for (const bundle of bundles) await store.request({ method: 'POST', path: '', body: bundle });
  const seconds = (Date.now() - started) / 1000;
  const patients = (await store.request({ method: 'GET', path: 'Patient?_count=1000' })).body as Bundle;
  const observations = (await store.request({ method: 'GET', path: 'Observation?_count=0' })).body as Bundle;
  const ids = patients.entry!.map((entry) => entry.resource!.id!);
  const families = ['smith', 'garcia', 'nguyen', 'lee', 'walker'];
  const queries = {
    'Patient?name=': (i: number) => `Patient?name=${families[i % families.length]}`,
    'Observation?patient=&code=': (i: number) =>
      `Observation?patient=Patient/${ids[i % ids.length]}&code=http://loinc.org|8867-4`,
  };
  console.log(
    `\nEmbedded store, ${STORE_PATIENTS} patients, ${observations.total} observations (loaded in ${seconds.toFixed(1)} s), ${QUERIES} queries each`,
  );
  console.log('| search | p50 ms | p99 ms | mean results |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, query] of Object.entries(queries)) {
    const times: number[] = [];
    let results = 0;
    for (let i = 0; i < QUERIES; i++) {
      const start = process.hrtime.bigint();
      const response = await store.request({ method: 'GET', path: query(i) });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      results += (response.body as Bundle).total ?? 0;
    }
    times.sort((a, b) => a - b);
    console.log(
      `| \`${name}\` | ${percentile(times, 50).toFixed(2)} | ${percentile(times, 99).toFixed(2)} | ${(results / QUERIES).toFixed(1)} |`,
    );
  }
  await store.close();
}

void (async () => {
  await proxyComparison();
  await storeSearchLatency();
})();
