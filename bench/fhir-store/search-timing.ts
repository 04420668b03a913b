/** The search half of bench:fhir-store: timed searches and paging against a loaded store (in process). */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import type { FhirStore } from '@ehr-gateway/fhir-store';
import { percentiles } from '../support/percentiles';
import { BenchSearch, PAGED, PAGED_RESULTS, READ, SEARCHES, SearchContext } from './searches';

export interface SearchFigures {
  kind: string;
  example: string;
  p50?: number;
  p99?: number;
  /**
   * Mean CPU milliseconds per search, every thread of the process (the caller's and the search
   * worker's): less sensitive than wall-clock to other processes on a shared machine.
   */
  cpuMs?: number;
  /** Mean matches per search (Bundle.total where given; else the page's entries). */
  results?: number;
  /** Why the store refused the search: status and diagnostics. */
  refused?: string;
}

export type PagingFigures =
  | { pages: number; results: number; seconds: number; first: number; last: number; p50: number; p99: number }
  | { refused: string; page: number };

async function timed(store: FhirStore, path: string) {
  const start = process.hrtime.bigint();
  const response = await store.request({ method: 'GET', path });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: response.status, body: response.body as Bundle };
}

function refusal(status: number, body: unknown): string {
  const issue = (body as OperationOutcome | undefined)?.issue?.[0];
  return `${status} ${issue?.code ?? ''}: ${issue?.diagnostics ?? issue?.details?.text ?? ''}`;
}

async function measure(store: FhirStore, search: BenchSearch, context: SearchContext, queries: number) {
  const example = search.query(0, context);
  const first = await timed(store, example);
  if (first.status !== 200) return { kind: search.kind, example, refused: refusal(first.status, first.body) };
  for (let i = 0; i < 5; i++) await timed(store, search.query(i, context)); // warm-up
  const times: number[] = [];
  let results = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < queries; i++) {
    const { ms, body } = await timed(store, search.query(i, context));
    times.push(ms);
    results += body.total ?? body.entry?.length ?? 1;
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / queries;
  return { kind: search.kind, example, ...percentiles(times), cpuMs, results: results / queries };
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

/** The read-by-id baseline, every search, the baseline again (the A/A pair), then paging through 10,000 results. */
export async function timeSearches(
  store: FhirStore,
  patients: number,
  queries: number,
): Promise<{ searches: SearchFigures[]; paging: PagingFigures }> {
  const found = (await store.request({ method: 'GET', path: 'Patient?_count=200' })).body as Bundle;
  const context = { patientIds: found.entry!.map((entry) => entry.resource!.id!), patients };
  const searches = [await measure(store, READ, context, queries)];
  for (const search of SEARCHES) searches.push(await measure(store, search, context, queries));
  searches.push({ ...(await measure(store, READ, context, queries)), kind: `${READ.kind} (again, A/A)` });
  return { searches, paging: await page(store) };
}

/** A figure for the tables: `-` when absent, grouped thousands, at most `digits` decimals. */
export const f = (value: number | undefined, digits = 2) =>
  value === undefined ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The search table (markdown) and the paging line, as bench/README.md records them. */
export function printSearchFigures(searches: SearchFigures[], paging: PagingFigures): void {
  const [read] = searches;
  const readAgain = searches[searches.length - 1];
  console.log('\n| search | example | p50 ms | p99 ms | p50 / read p50 | CPU ms / search | mean total | ');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of searches) {
    const example = `\`${row.example.replace(/\|/g, '\\|')}\``;
    if (row.refused !== undefined) {
      console.log(`| ${row.kind} | ${example} | refused: ${row.refused} | | | | |`);
      continue;
    }
    console.log(
      `| ${row.kind} | ${example} | ${f(row.p50)} | ${f(row.p99)} | ${f(row.p50! / read.p50!)} | ${f(row.cpuMs)} | ${f(row.results, 0)} |`,
    );
  }
  console.log(
    `A/A: the read by id before and after the searches, p50 ${f(read.p50, 3)} vs ${f(readAgain.p50, 3)} ms ` +
      `(ratio ${f(readAgain.p50! / read.p50!)}). Targets: p50 <= 5 ms, p99 <= 25 ms.`,
  );
  if ('refused' in paging) console.log(`\nPaging: refused at page ${paging.page}: ${paging.refused}`);
  else
    console.log(
      `\nPaging: ${f(paging.results, 0)} results in ${paging.pages} pages of 100 in ${f(paging.seconds)} s; ` +
        `page p50 ${f(paging.p50)} ms, p99 ${f(paging.p99)} ms; first page ${f(paging.first)} ms, last ${f(paging.last)} ms ` +
        `(last / first ${f(paging.last / paging.first)})`,
    );
}
