/**
 * One benchmark process around an embedded store file: `open` opens it (a
 * restart of the store alone), answers a search and reports the time and RSS;
 * `load` fills it with synthetic patients through transactions, reports the load
 * rate and RSS, then times the searches in process. Results go to the parent
 * over IPC.
 */
import { FhirStore } from '@ehr-gateway/fhir-store';
import { rssMegabytes } from '../support/percentiles';
import { benchBundles } from './bench-data';
import { PagingFigures, SearchFigures, timeSearches } from './search-timing';

export interface WorkerResult {
  rssMb: number;
  /** `open`: seconds from opening the file to the answer of a first search. */
  openSeconds?: number;
  /** `load`: wall-clock and CPU seconds (all threads of the process) of the load. */
  load?: { resources: number; seconds: number; cpuSeconds: number };
  searches?: SearchFigures[];
  paging?: PagingFigures;
}

const [mode, path, patientsArg, queriesArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;

function settledRss(): number {
  gc?.();
  return rssMegabytes();
}

async function load(store: FhirStore, patients: number) {
  let resources = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (const bundle of benchBundles(patients)) {
    const response = await store.request({ method: 'POST', path: '', body: bundle });
    if (response.status !== 200) throw new Error(`transaction failed with ${response.status}`);
    resources += bundle.entry!.length;
  }
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
  if (mode === 'open') {
    await store.request({ method: 'GET', path: 'Patient?_count=1' });
    result.openSeconds = Number(process.hrtime.bigint() - opening) / 1e9;
    result.rssMb = settledRss();
  } else {
    result.load = await load(store, Number(patientsArg));
    result.rssMb = settledRss();
    Object.assign(result, await timeSearches(store, Number(patientsArg), Number(queriesArg)));
  }
  await store.close();
  process.send!(result);
})();
