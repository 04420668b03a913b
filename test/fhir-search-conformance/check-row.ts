import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { ConformanceRow } from './rows';

/** What a search returned: its status and parsed body. */
export interface SearchResponse {
  status: number;
  body: unknown;
}

/** Runs a search given relative to the FHIR base, or a link URL the server handed out. */
export type Search = (pathOrUrl: string, handling?: ConformanceRow['handling']) => Promise<SearchResponse>;

const SUBSETTED = 'SUBSETTED';
/** More pages than any row expects: the server's links do not end. */
const PAGE_LIMIT = 20;

class RowMismatch extends Error {}

function mismatch(what: string, expected: unknown, actual: unknown): never {
  throw new RowMismatch(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function sameList(what: string, expected: string[], actual: string[], ordered: boolean) {
  const [e, a] = ordered ? [expected, actual] : [[...expected].sort(), [...actual].sort()];
  if (e.length !== a.length || e.some((value, i) => value !== a[i])) mismatch(what, e, a);
}

const mode = (entry: BundleEntry) => entry.search?.mode ?? 'match';
const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((entry) => mode(entry) === 'match');
const link = (bundle: Bundle, relation: string) => bundle.link?.find((l) => l.relation === relation)?.url;

function searchset(response: SearchResponse, what: string): Bundle {
  const bundle = response.body as Bundle | undefined;
  if (response.status !== 200 || bundle?.resourceType !== 'Bundle' || bundle.type !== 'searchset') {
    const issue = (response.body as { issue?: Array<{ diagnostics?: string }> } | undefined)?.issue?.[0]?.diagnostics;
    mismatch(`${what} status`, '200 searchset', `${response.status} ${bundle?.resourceType ?? ''} ${issue ?? ''}`);
  }
  return bundle;
}

function checkElements(resource: Resource, elements: NonNullable<ConformanceRow['elements']>) {
  const record = resource as unknown as Record<string, unknown>;
  const missing = elements.present.filter((name) => record[name] === undefined);
  if (missing.length > 0) mismatch('elements present', elements.present, Object.keys(record));
  const extra = elements.absent.filter((name) => record[name] !== undefined);
  if (extra.length > 0) mismatch('elements absent', elements.absent, extra);
  const tagged = resource.meta?.tag?.some((tag) => tag.code === SUBSETTED) ?? false;
  if (tagged !== elements.subsetted) mismatch('SUBSETTED tag', elements.subsetted, tagged);
}

async function checkPages(row: ConformanceRow, first: Bundle, search: Search) {
  const pages: string[][] = [];
  const seen = new Set<string>();
  let bundle = first;
  for (;;) {
    pages.push(matches(bundle).map((entry) => entry.resource!.id!));
    const self = link(bundle, 'self');
    const next = link(bundle, 'next');
    if (!next) break;
    if (next === self) mismatch(`page ${pages.length} next link`, 'a link other than self', next);
    if (seen.has(next) || pages.length >= PAGE_LIMIT) mismatch('next links', 'links that end', pages);
    seen.add(next);
    bundle = searchset(await search(next, row.handling), `page ${pages.length + 1}`);
  }
  if (pages.length !== row.pages!.length) mismatch('pages', row.pages, pages);
  row.pages!.forEach((ids, i) => sameList(`page ${i + 1}`, ids, pages[i], true));
}

function checkOutcome(row: ConformanceRow, outcome: OperationOutcome) {
  const text = (outcome.issue ?? [])
    .map((issue) => [issue.diagnostics, issue.details?.text, ...(issue.expression ?? [])].join(' '))
    .join(' ');
  if (row.names && !text.includes(row.names)) mismatch('OperationOutcome names the parameter', row.names, text);
  if (row.hides && text.includes(row.hides)) mismatch('OperationOutcome does not echo the value', row.hides, text);
}

/** Runs one row and throws a description of the first difference from its expected answer. */
export async function checkRow(row: ConformanceRow, search: Search): Promise<void> {
  const response = await search(row.query, row.handling);
  if (row.status !== undefined) {
    if (response.status !== row.status) mismatch('status', row.status, response.status);
    const body = response.body as Resource | undefined;
    if (body?.resourceType !== 'OperationOutcome') mismatch('error body', 'OperationOutcome', body?.resourceType);
    return checkOutcome(row, body);
  }
  const bundle = searchset(response, 'search');
  if (row.pages) return checkPages(row, bundle, search);
  if (row.entries) {
    const all = (bundle.entry ?? []).map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`);
    return sameList('entries', row.entries, all, false);
  }

  const found = matches(bundle);
  sameList(
    'matches',
    row.ids ?? [],
    found.map((entry) => entry.resource!.id!),
    row.ordered ?? false,
  );
  const included = (bundle.entry ?? [])
    .filter((entry) => mode(entry) === 'include')
    .map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`);
  sameList('included', row.include ?? [], included, false);
  if (row.total !== undefined && bundle.total !== row.total) mismatch('total', row.total, bundle.total);
  if (row.outcome) {
    const reported = (bundle.entry ?? []).some(
      (entry) => mode(entry) === 'outcome' && entry.resource?.resourceType === 'OperationOutcome',
    );
    if (!reported)
      mismatch('outcome entry', 'an OperationOutcome entry with search.mode=outcome', bundle.entry?.length);
  }
  if (row.elements) for (const entry of found) checkElements(entry.resource!, row.elements);
}

/** Whether a row's check fails (a known gap), without hiding errors that are not mismatches. */
export async function rowFails(row: ConformanceRow, search: Search): Promise<boolean> {
  try {
    await checkRow(row, search);
    return false;
  } catch (error) {
    if (error instanceof RowMismatch) return true;
    throw error;
  }
}
