/**
 * The load phase of bench:fhir-store alone, to compare write paths quickly:
 * `warm` patients first (not timed), then `patients` through transactions with
 * `concurrency` in flight into a new store file; prints resources per second
 * (wall) and per CPU second (every thread of the process).
 *
 *   node -r @swc-node/register bench/fhir-store/load-only.ts <patients> [concurrency=8] [warm=100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { FhirStore } from '@ehr-gateway/fhir-store';
import { benchBundles } from './bench-data';

const [patients = 1000, concurrency = 8, warm = 100] = process.argv.slice(2).map(Number);

async function send(store: FhirStore, bundles: Iterator<Bundle>, count: number): Promise<number> {
  let resources = 0;
  let sent = 0;
  const sender = async () => {
    while (sent < count) {
      const next = bundles.next();
      if (next.done) return;
      sent++;
      const response = await store.request({ method: 'POST', path: '', body: next.value });
      if (response.status !== 200) throw new Error(`transaction failed with ${response.status}`);
      resources += next.value.entry!.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return resources;
}

void (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-fhir-store-load-'));
  const store = new FhirStore({ path: join(dir, 'store.sqlite') });
  try {
    const bundles = benchBundles(warm + patients);
    await send(store, bundles, warm);
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const resources = await send(store, bundles, patients);
    const cpu = process.cpuUsage(cpuStart);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      JSON.stringify({
        patients,
        resources,
        seconds: Number(seconds.toFixed(1)),
        cpuSeconds: Number(cpuSeconds.toFixed(1)),
        perSecond: Math.round(resources / seconds),
        perCpuSecond: Math.round(resources / cpuSeconds),
      }),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
})();
