/**
 * One benchmark process around an embedded store file: `open` opens it (a
 * restart of the store alone), answers a search and reports the time and RSS;
 * `load` fills it with synthetic patients through transactions, reports the load
 * rate and RSS, then times the searches in process; `search` does the same on a
 * file loaded before. Results go to the parent over IPC.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { FhirStore } from '@ehr-gateway/fhir-store';
import { percentiles, rssMegabytes } from '../support/percentiles';
import { benchBundles } from './bench-data';
import { BenchSearch, PAGED, PAGED_RESULTS, READ, SEARCHES, SearchContext } from './searches';

export interface SearchFigures {
  kind: string;
  example: string;
  p50?: number;
  p99?: number;
  /** Mean matches per search (Bundle.total where given). */
  results?: number;
  /** Why the store refused the search: status and diagnostics. */
  refused?: string;
}

export interface WorkerResult {
  rssMb: number;
  /** `open`: seconds from opening the file to the answer of a first search. */
  openSeconds?: number;
  /** `load`: wall-clock and CPU seconds (all threads of the process) of the load. */
  load?: { resources: number; seconds: number; cpuSeconds: number };
  searches?: SearchFigures[];
  paging?:
    | { pages: number; results: number; seconds: number; first: number; last: number; p50: number; p99: number }
    | { refused: string; page: number };
}

const [mode, path, patientsArg, queriesArg, concurrencyArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;

function settledRss(): number {
  gc?.();
  return rssMegabytes();
}

async function timed(store: FhirStore, path: string) {
  const start = process.hrtime.bigint();
  const response = await store.request({ method: 'GET', path });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: response.status, body: response.body as Bundle };
}

function refusal(status: number, body: unknown): string {
  const issue = (body as OperationOutcome | undefined)?.issue?.[0];
  return `${status} ${issue?.code ?? ''}: ${issue?.diagnostics ?? issue?.details?.text ?? ''}`;
}

/** Progress on stderr every this many patients (a long load's rate over time). */
const PROGRESS_EVERY = 5000;

/** Loads the patients with `concurrency` transactions in flight; CPU time counts every thread of the process. */
async function load(store: FhirStore, patients: number, concurrency: number) {
  // The writer and search threads start with the store: let them finish before the clock starts.
  await store.request({ method: 'GET', path: 'metadata' });
  await store.request({ method: 'GET', path: 'Patient?_count=1' });
  let resources = 0;
  let done = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const bundles = benchBundles(patients);
  const sender = async () => {
    for (let next = bundles.next(); !next.done; next = bundles.next()) {
      const response = await store.request({ method: 'POST', path: '', body: next.value });
      if (response.status !== 200) throw new Error(`transaction failed with ${response.status}`);
      resources += next.value.entry!.length;
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

async function measure(store: FhirStore, search: BenchSearch, context: SearchContext, queries: number) {
  const example = search.query(0, context);
  const first = await timed(store, example);
  if (first.status !== 200) return { kind: search.kind, example, refused: refusal(first.status, first.body) };
  for (let i = 0; i < 5; i++) await timed(store, search.query(i, context)); // warm-up
  const times: number[] = [];
  let results = 0;
  for (let i = 0; i < queries; i++) {
    const { ms, body } = await timed(store, search.query(i, context));
    times.push(ms);
    results += body.total ?? body.entry?.length ?? 1;
  }
  return { kind: search.kind, example, ...percentiles(times), results: results / queries };
}

async function page(store: FhirStore) {
  const times: number[] = [];
  let results = 0;
  let next: string | undefined = PAGED;
  const start = process.hrtime.bigint();
  while (next && results < PAGED_RESULTS) {
    const { ms, body, status } = await timed(store, next);
    if (status !== 200) return { refused: refusal(status, body), page: times.length + 1 };
    times.push(ms);
    results += body.entry?.filter((entry) => entry.search?.mode !== 'include').length ?? 0;
    const url = body.link?.find((link) => link.relation === 'next')?.url;
    next = url?.slice(store.baseUrl.length + 1);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    pages: times.length,
    results,
    seconds,
    first: times[0],
    last: times[times.length - 1],
    ...percentiles(times),
  };
}

void (async () => {
  const opening = process.hrtime.bigint();
  const store = new FhirStore({ path });
  const result: WorkerResult = { rssMb: 0 };
  if (mode === 'open') {
    // One request to the writer thread and one search: every thread of the store has started.
    await store.request({ method: 'GET', path: 'metadata' });
    await store.request({ method: 'GET', path: 'Patient?_count=1' });
    result.openSeconds = Number(process.hrtime.bigint() - opening) / 1e9;
    result.rssMb = settledRss();
  } else {
    if (mode === 'load') result.load = await load(store, Number(patientsArg), Number(concurrencyArg));
    result.rssMb = settledRss();
    process.stderr.write(`${new Date().toISOString()} RSS after gc: ${result.rssMb.toFixed(0)} MB\n`);
    const queries = Number(queriesArg);
    if (queries === 0) {
      await store.close();
      process.send!(result);
      return;
    }
    const patients = (await store.request({ method: 'GET', path: 'Patient?_count=200' })).body as Bundle;
    const context = { patientIds: patients.entry!.map((entry) => entry.resource!.id!), patients: Number(patientsArg) };
    // The baseline is measured before and after the searches: the two are the A/A pair.
    result.searches = [await measure(store, READ, context, queries)];
    for (const search of SEARCHES) result.searches.push(await measure(store, search, context, queries));
    result.searches.push({ ...(await measure(store, READ, context, queries)), kind: `${READ.kind} (again, A/A)` });
    result.paging = await page(store);
  }
  await store.close();
  process.send!(result);
})();
