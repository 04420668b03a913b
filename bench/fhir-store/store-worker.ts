/**
 * One benchmark process around an embedded store file: `open` opens it (a
 * restart of the store alone), answers a search and reports the time and RSS;
 * `load` fills it with synthetic patients through transactions, reports the load
 * rate and RSS, then times the searches in process; `search` does the same on a
 * file loaded before. Results go to the parent over IPC.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { FhirStore } from '@ehr-gateway/fhir-store';
import { WRITE_PREPARER_IDLE_MS } from '../../libs/fhir-store/src/writer/write-preparer';
import { rssMegabytes } from '../support/percentiles';
import { benchBundles } from './bench-data';
import { PagingFigures, SearchFigures, timeSearches } from './search-timing';

export interface WorkerResult {
  rssMb: number;
  /** `load`: RSS once the store's write-preparer threads, idle after the load, have ended. */
  idleRssMb?: number;
  /** `open`: seconds from opening the file to the answer of a first search. */
  openSeconds?: number;
  /** `load`: wall-clock and CPU seconds (all threads of the process) of the load. */
  load?: { resources: number; seconds: number; cpuSeconds: number };
  searches?: SearchFigures[];
  paging?: PagingFigures;
}

const [mode, path, patientsArg, queriesArg, concurrencyArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;

function settledRss(): number {
  gc?.();
  return rssMegabytes();
}

/** Progress on stderr every this many patients (a long load's rate over time). */
const PROGRESS_EVERY = 5000;

/**
 * Loads the patients with `concurrency` transactions in flight; CPU time counts every thread of the process.
 * The first `concurrency` transactions start the store's preparer threads (as the first requests started its
 * writer and search threads): the clock starts after them, and they are not counted.
 */
async function load(store: FhirStore, patients: number, concurrency: number) {
  let resources = 0;
  let done = 0;
  const bundles = benchBundles(patients);
  const send = async (bundle: Bundle) => {
    const response = await store.request({ method: 'POST', path: '', body: bundle });
    if (response.status !== 200) throw new Error(`transaction failed with ${response.status}`);
    return bundle.entry!.length;
  };
  const first: Bundle[] = [];
  while (first.length < concurrency) {
    const next = bundles.next();
    if (next.done) break;
    first.push(next.value);
  }
  await Promise.all(first.map(send));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const sender = async () => {
    for (let next = bundles.next(); !next.done; next = bundles.next()) {
      // Not `resources += await send(...)`: that reads `resources` before the await, losing the other senders' counts.
      const sent = await send(next.value);
      resources += sent;
      if (++done % PROGRESS_EVERY === 0) {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = process.cpuUsage(cpuStart);
        process.stderr.write(
          `${new Date().toISOString()} ${done} patients, ${resources} resources, ${seconds.toFixed(0)} s: ` +
            `${(resources / seconds).toFixed(0)}/s, ${(resources / ((cpu.user + cpu.system) / 1e6)).toFixed(0)}/CPU s\n`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const cpu = process.cpuUsage(cpuStart);
  return {
    resources,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

void (async () => {
  const opening = process.hrtime.bigint();
  const store = new FhirStore({ path });
  const result: WorkerResult = { rssMb: 0 };
  // One request to the writer thread and one search: every thread of the store has started
  // (before a load's clock starts, and before any RSS is read).
  await store.request({ method: 'GET', path: 'metadata' });
  await store.request({ method: 'GET', path: 'Patient?_count=1' });
  if (mode === 'open') {
    result.openSeconds = Number(process.hrtime.bigint() - opening) / 1e9;
    result.rssMb = settledRss();
  } else {
    if (mode === 'load') result.load = await load(store, Number(patientsArg), Number(concurrencyArg));
    result.rssMb = settledRss();
    process.stderr.write(`${new Date().toISOString()} RSS after gc: ${result.rssMb.toFixed(0)} MB\n`);
    if (mode === 'load') {
      // The preparer threads (each with its own R4 definitions) end once idle: the memory a loaded, idle store keeps.
      await new Promise((resolve) => setTimeout(resolve, WRITE_PREPARER_IDLE_MS + 2000));
      result.idleRssMb = settledRss();
    }
    if (Number(queriesArg) > 0)
      Object.assign(result, await timeSearches(store, Number(patientsArg), Number(queriesArg)));
  }
  await store.close();
  process.send!(result);
})();
