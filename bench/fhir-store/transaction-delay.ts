/**
 * How long a maximal transaction (FHIR_STORE_MAX_BUNDLE_ENTRIES, 1,000 entries of
 * synthetic patients) holds the event loop: the largest delay of
 * `monitorEventLoopDelay` while it runs, for a `:memory:` store (the engine in
 * process: the baseline) and a file store (the engine in its writer thread),
 * three rounds each, the store's threads started before the first.
 *
 *   node -r @swc-node/register bench/fhir-store/transaction-delay.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { FhirStore, syntheticPatientBundles } from '@ehr-gateway/fhir-store';

const ENTRIES = 1000;
const ROUNDS = 3;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function maximalTransaction(): Bundle {
  const entry: BundleEntry[] = [];
  for (const bundle of syntheticPatientBundles({ patients: 100, seed: 7 })) entry.push(...bundle.entry!);
  return { resourceType: 'Bundle', type: 'transaction', entry: entry.slice(0, ENTRIES) };
}

async function rounds(path: string, transaction: Bundle): Promise<string[]> {
  const store = new FhirStore({ path });
  await store.request({ method: 'GET', path: 'metadata' });
  await store.request({ method: 'GET', path: 'Patient?_count=1' });
  const rows: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const body = structuredClone(transaction);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    await pause(50); // the histogram measures from its first tick
    const start = process.hrtime.bigint();
    const response = await store.request({ method: 'POST', path: '', body });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await pause(50);
    delay.disable();
    if (response.status !== 200) throw new Error(`the transaction failed with ${response.status}`);
    rows.push(`| ${round} | ${ms.toFixed(0)} | ${(delay.max / 1e6).toFixed(0)} |`);
  }
  await store.close();
  return rows;
}

void (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-transaction-delay-'));
  try {
    const transaction = maximalTransaction();
    for (const [name, path] of [
      [':memory: store (engine in process)', ':memory:'],
      ['file store (engine in the writer thread)', join(dir, 'store.sqlite')],
    ]) {
      console.log(
        `\n${name}, ${ENTRIES}-entry transaction\n\n| round | answered in (ms) | largest event-loop delay (ms) |\n| --- | --- | --- |`,
      );
      for (const row of await rounds(path, transaction)) console.log(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
