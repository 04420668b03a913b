import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Sql, join, list, raw, sql } from './sql';

/** An include step: follow references from `sourceType` rows (or, reversed, to `targetType` rows). */
export interface IncludeStep {
  reverse: boolean;
  /** `*` for any type. */
  sourceType: string;
  /** Parameter ids; empty for any reference parameter (`_revinclude=*`). */
  params: number[];
  targetType?: string;
  iterate: boolean;
}

/** A filter the executor may drive the search from (see `CompiledFilter`). */
export interface Candidate {
  ridSet: Sql;
  probe: Sql;
  inner: Sql[];
  ordered: boolean;
  /** `ridSet` yields only live resources of the searched type (index rows exist for nothing else). */
  exact: boolean;
  /** `ridSet` yields each resource once, so that counting its rows counts resources. */
  unique: boolean;
  /** The last inner set bounds the size of `ridSet` (`_has`: each inner row references one resource at most). */
  boundedByInner: boolean;
  /** `ridSet` may be many times its inner set (a chain: each target is referenced by several resources). */
  fansOut: boolean;
  /** Its matches counted from maintained counts: one row `n`, or none for no match (see `CompiledFilter.count`). */
  count?: Sql;
}

/** A chain's inner matches are each referenced by about this many resources (patients by their records). */
const FAN_OUT = 10;

/**
 * One index table a sort key reads its values from: `column`, after `group`
 * when the values compare only within a group (UCUM quantities within their
 * base units). Table and columns are chosen by the engine, never by the request.
 */
export interface SortSource {
  table: string;
  column: string;
  group?: string;
}

/**
 * The indexes in the order of a sort parameter's values, walked to answer a
 * `_sort` without sorting every match: `(sp, [group,] column)` of each source
 * in turn, backwards for a descending sort. A resource belongs to the first
 * source that has a row for it (see `SearchService.sortTerms`).
 */
export interface SortWalk {
  sources: SortSource[];
  sp: number;
  descending: boolean;
}

/**
 * A search compiled to SQL, as plain data: it runs in a worker thread (or in
 * process) with nothing but a connection to the store file.
 */
export interface SearchPlan {
  /** Conditions every match meets (type, liveness), on the alias `r` of `resource`. */
  base: Sql;
  /** Filters that can drive the search from an index (the most selective does), with their probe form. */
  candidates: Candidate[];
  /** Filters that are only probes. */
  probes: Sql[];
  /** The `ORDER BY` terms of each sort key, before the `rid` tie-break; empty for `rid` order (no `_sort`). */
  order: Sql[][];
  /** The direction of the `rid` tie-break: that of the first sort key. */
  descending: boolean;
  /** The first sort key's index, when it has one. */
  walk?: SortWalk;
  count: number;
  offset: number;
  /** Keyset paging in `rid` order: the page starts after this `rid` (`_cursor`). */
  after?: number;
  /** `auto` without `_total`: a total only when (nearly) free (see `total`). */
  total: 'none' | 'auto' | 'estimate' | 'accurate';
  /** A filter matching at most this many resources may drive the search, its matches sorted in full (`DRIVER_LIMIT`). */
  driverLimit: number;
  includes: IncludeStep[];
  maxIncludes: number;
}

export interface ResultRow {
  rid: number;
  type: string;
  id: string;
  content: string;
}

export interface PlanResult {
  matches: ResultRow[];
  included: ResultRow[];
  total?: number;
  more: boolean;
  includesTruncated: boolean;
}

/** A filter matching at most this many rows may drive the search from its index, sorted in full. */
export const DRIVER_LIMIT = 2000;
const MAX_ITERATIONS = 4;

const STATEMENT_CACHE = 256;
const statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** A prepared statement, reused across searches of the same shape (values are bound, so shapes repeat). */
function prepare(db: DatabaseSync, text: string): StatementSync {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, StatementSync>()));
  let statement = cache.get(text);
  if (!statement) {
    if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
    cache.set(text, (statement = db.prepare(text)));
  }
  return statement;
}

const count = (db: DatabaseSync, query: Sql): number => Number(prepare(db, query.text).get(...query.params)!.n);
const rids = (db: DatabaseSync, query: Sql): number[] =>
  prepare(db, query.text)
    .all(...query.params)
    .map((row) => Number(row.rid));
/**
 * How many rows a set has, counting no further than `limit + 1`: an upper bound
 * of its resources (a resource may have several rows), which is all a choice of plan needs.
 */
const bounded = (db: DatabaseSync, set: Sql, limit: number): number =>
  count(db, sql`SELECT count(*) AS n FROM (${set} LIMIT ${limit + 1})`);

/** Thrown out of a statement when the search outlives its budget. */
export const TOO_COSTLY = 'search-too-costly';
/** Starts the message of a statement that refused itself as too costly (`search_refuse`, `search_rows`). */
export const REFUSED = 'search-refused: ';
const deadlines = new WeakMap<DatabaseSync, { deadline: number; rows: number }>();

/**
 * `node:sqlite` exposes no progress handler or interrupt, but it runs SQL
 * functions written in JS: every row a search examines calls `search_budget()`,
 * which aborts the statement once the deadline has passed. `search_rows(limit,
 * message, row)` counts the rows a plan reads where it is called (`row`, a
 * column of the row, only makes SQLite call it for each row), and
 * `search_refuse(message)` refuses at once (see `subsumption.ts`).
 */
export function setDeadline(db: DatabaseSync, deadline: number): void {
  let state = deadlines.get(db);
  if (!state) {
    const created = { deadline, rows: 0 };
    const refuse = (message: unknown) => new Error(`${REFUSED}${String(message)}`);
    db.function('search_budget', { deterministic: false }, () => {
      if (Date.now() > created.deadline) throw new Error(TOO_COSTLY);
      return 1;
    });
    db.function('search_rows', { deterministic: false, varargs: true }, (limit, message) => {
      if (++created.rows > Number(limit)) throw refuse(message);
      return 1;
    });
    db.function('search_refuse', { deterministic: false }, (message) => {
      throw refuse(message);
    });
    deadlines.set(db, (state = created));
  }
  state.deadline = deadline;
  state.rows = 0;
}

/** A candidate's size (an upper bound) up to `limit`, or Infinity beyond (or when a set it reads in full is larger). */
function estimate(db: DatabaseSync, candidate: Candidate, limit: number): number {
  let n = 0;
  // A chain whose inner set is over a FAN_OUT-th of the limit would most likely be over it: not counted.
  const innerLimit = candidate.fansOut ? Math.floor(limit / FAN_OUT) : limit;
  for (const inner of candidate.inner) if ((n = bounded(db, inner, innerLimit)) > innerLimit) return Infinity;
  if (!candidate.boundedByInner) n = bounded(db, candidate.ridSet, limit);
  return n > limit ? Infinity : n;
}

/**
 * Where the rows of a search come from, and the conditions they meet:
 * - `small`: a filter with at most `driverLimit` matches is read from its index, the others probe each match;
 * - `stream`: a filter whose index yields rows in `rid` order drives, the others probe, and a page stops early;
 * - `scan`: the type's rows in `rid` order, every filter probing each.
 * `rid` is the column the page's `rid` order and keyset use.
 */
interface Source {
  strategy: 'small' | 'stream' | 'scan';
  from: Sql;
  where: Sql[];
  rid: Sql;
}

function source(plan: SearchPlan, driver: number, strategy: Source['strategy']): Source {
  const others = plan.candidates.filter((_, i) => i !== driver).map((candidate) => candidate.probe);
  // The budget check first, so that it runs for every row examined, whatever the other conditions answer.
  const budget = sql`search_budget()`;
  if (strategy === 'scan')
    return {
      strategy,
      from: sql`resource r`,
      where: [budget, plan.base, ...plan.candidates.map((c) => c.probe), ...plan.probes],
      rid: sql`r.rid`,
    };
  const { ridSet } = plan.candidates[driver];
  if (strategy === 'stream')
    return {
      strategy,
      from: sql`(${ridSet}) d JOIN resource r ON r.rid = d.rid`,
      where: [budget, plan.base, ...others, ...plan.probes],
      rid: sql`d.rid`,
    };
  return {
    strategy,
    from: sql`resource r`,
    where: [budget, plan.base, sql`r.rid IN (${ridSet})`, ...others, ...plan.probes],
    rid: sql`r.rid`,
  };
}

/** The source a page is read from: the smallest filter if small, else a streaming filter, else a scan. */
function pageSource(plan: SearchPlan, estimates: number[]): Source {
  const smallest = Math.min(...estimates);
  if (smallest <= plan.driverLimit) return source(plan, estimates.indexOf(smallest), 'small');
  const streaming = plan.candidates.findIndex((candidate) => candidate.ordered);
  return streaming >= 0 ? source(plan, streaming, 'stream') : source(plan, -1, 'scan');
}

/** Runs a plan within a time budget: the page of matches, its total when asked for, and its included resources. */
export function executePlan(db: DatabaseSync, plan: SearchPlan, budgetMs: number): PlanResult {
  setDeadline(db, Date.now() + budgetMs);
  const estimates = plan.candidates.map((candidate) => estimate(db, candidate, plan.driverLimit));
  if (estimates.some((n) => n === 0))
    return {
      matches: [],
      included: [],
      total: plan.total === 'none' ? undefined : 0,
      more: false,
      includesTruncated: false,
    };
  const from = pageSource(plan, estimates);

  let page: number[] = [];
  if (plan.count > 0) {
    const limit = plan.count + 1;
    if (plan.order.length === 0) page = ridOrderPage(db, plan, from, limit);
    else if (plan.walk && from.strategy !== 'small') page = walkPage(db, plan, from, limit);
    else page = sortedPage(db, plan, from, plan.offset, limit);
  }
  const more = page.length > plan.count;
  if (more) page.pop();

  const matches = fetchRows(db, page);
  const { included, truncated } = includes(db, plan, matches);
  return { matches, included, total: total(db, plan, estimates, from, page, more), more, includesTruncated: truncated };
}

/** A page in `rid` order: from the keyset `_cursor` when given, else from `_offset`. */
function ridOrderPage(db: DatabaseSync, plan: SearchPlan, from: Source, limit: number): number[] {
  if (plan.after === undefined) return ridPage(db, from, plan.offset, limit, false);
  return ridPage(db, { ...from, where: [...from.where, sql`${from.rid} > ${plan.after}`] }, 0, limit, false);
}

/** Matches in `rid` order, which every source yields without sorting (a streaming filter may meet a resource twice). */
function ridPage(db: DatabaseSync, from: Source, offset: number, limit: number, descending: boolean): number[] {
  const order = sql`${from.rid} ${raw(descending ? 'DESC' : 'ASC')}`;
  const distinct = raw(from.strategy === 'stream' ? 'DISTINCT' : '');
  return rids(
    db,
    sql`SELECT ${distinct} ${from.rid} AS rid FROM ${from.from} WHERE ${join(from.where, ' AND ')} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
  );
}

/** A page sorted in SQL by the sort terms (every match of `from` is sorted: used when they are few). */
function sortedPage(db: DatabaseSync, plan: SearchPlan, from: Source, offset: number, limit: number): number[] {
  const direction = raw(plan.descending ? 'DESC' : 'ASC');
  const order = join([...plan.order.flat(), sql`r.rid ${direction}`], ', ');
  return rids(
    db,
    sql`SELECT r.rid FROM ${from.from} WHERE ${join(from.where, ' AND ')} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
  );
}

/**
 * A sorted page read by walking the first sort key's indexes in order, probing
 * each resource met, and stopping once the page is full: its cost follows the
 * page's depth, not the number of matches. A resource comes first at its
 * smallest value (largest, descending), as the sort key takes it. Further sort
 * keys order each run of equal first-key values, so the walk goes on to the end
 * of the last run before the collected resources are sorted by every key.
 * Resources without a value come last, as in `sortedPage`.
 */
function walkPage(db: DatabaseSync, plan: SearchPlan, from: Source, limit: number): number[] {
  const walk = plan.walk!;
  const wanted = plan.offset + limit;
  const multiKey = plan.order.length > 1;
  const seen = new Set<number>();
  const walked: number[] = [];
  let exhausted = true;
  let last: unknown[] = [];
  walking: for (let index = 0; index < walk.sources.length; index++) {
    const query = walkQuery(plan, walk, index);
    for (const row of prepare(db, query.text).iterate(...query.params)) {
      const rid = Number(row.rid);
      const key = [index, row.g, row.v];
      if (walked.length >= wanted && (!multiKey || key.some((part, i) => part !== last[i]))) {
        exhausted = false;
        break walking;
      }
      last = key;
      if (seen.has(rid)) continue;
      seen.add(rid);
      walked.push(rid);
    }
  }
  const ordered = multiKey && walked.length > 1 ? sortedPage(db, plan, withRids(walked), 0, walked.length) : walked;
  const page = ordered.slice(plan.offset, wanted);
  if (exhausted && page.length < limit) {
    const rest = { ...from, where: [...from.where, ...walk.sources.map((source) => withoutRows(source, walk.sp))] };
    const offset = Math.max(0, plan.offset - walked.length);
    // Without a value, one sort key leaves the tie-break alone: rid order, which needs no sort.
    page.push(
      ...(multiKey
        ? sortedPage(db, plan, rest, offset, limit - page.length)
        : ridPage(db, rest, offset, limit - page.length, plan.descending)),
    );
  }
  return page;
}

/** The resource `r` has no row in a sort source (for the sort parameter): it takes its values from a later one. */
export const withoutRows = (source: SortSource, sp: number): Sql =>
  sql`NOT EXISTS (SELECT 1 FROM ${raw(source.table)} m WHERE m.rid = r.rid AND m.sp = ${sp})`;

/** The rows of one sort source in the walk's order, of resources without a row in an earlier source. */
function walkQuery(plan: SearchPlan, walk: SortWalk, index: number): Sql {
  const { table, column, group } = walk.sources[index];
  const direction = raw(walk.descending ? 'DESC' : 'ASC');
  const terms = [...(group === undefined ? [] : [group]), column, 'rid'].map(
    (name) => sql`s.${raw(name)} ${direction}`,
  );
  const earlier = walk.sources.slice(0, index).map((other) => withoutRows(other, walk.sp));
  const where = [...source(plan, -1, 'scan').where, ...earlier];
  return sql`SELECT s.rid AS rid, ${raw(group === undefined ? 'NULL' : `s.${group}`)} AS g, s.${raw(column)} AS v FROM ${raw(table)} s
    CROSS JOIN resource r ON r.rid = s.rid WHERE s.sp = ${walk.sp} AND ${join(where, ' AND ')} ORDER BY ${join(terms, ', ')}`;
}

const withRids = (ids: number[]): Source => ({
  strategy: 'small',
  from: sql`resource r`,
  where: [sql`r.rid IN ${list(ids)}`],
  rid: sql`r.rid`,
});

/**
 * `accurate`: read from the maintained counts for one token equality alone
 * (whatever `_total`, as it costs one row), else counted in SQL, from the index
 * alone for one filter, else from the smallest filter's index with the others
 * probing (or the type's rows when there is no filter). `auto` (no `_total`):
 * only when free or nearly so: the first page holds every match, a maintained
 * count, one filter has at most `driverLimit` matches, or the type has at most
 * that many resources. `estimate`: also a count over a driving filter of at
 * most `driverLimit` rows.
 */
function total(
  db: DatabaseSync,
  plan: SearchPlan,
  estimates: number[],
  from: Source,
  page: number[],
  more: boolean,
): number | undefined {
  if (plan.total === 'none') return undefined;
  const firstPage = plan.offset === 0 && plan.after === undefined;
  if (plan.count > 0 && firstPage && !more) return page.length;
  const counted = (source: Source) =>
    count(db, sql`SELECT count(DISTINCT r.rid) AS n FROM ${source.from} WHERE ${join(source.where, ' AND ')}`);
  // One filter and nothing else: its index rows are those of the type's live resources, counted without them.
  const [only] = plan.candidates;
  const alone = plan.candidates.length === 1 && plan.probes.length === 0 && only.exact;
  if (alone && only.count) return count(db, sql`SELECT coalesce((${only.count}), 0) AS n`);
  if (alone && from.strategy === 'small' && only.unique && !only.boundedByInner) return estimates[0];
  const distinct = () => count(db, sql`SELECT count(*) AS n FROM (SELECT DISTINCT rid FROM (${only.ridSet}))`);
  if (alone && plan.total !== 'auto')
    return only.unique ? count(db, sql`SELECT count(*) AS n FROM (${only.ridSet})`) : distinct();
  if (from.strategy === 'small' && plan.total !== 'auto') return counted(from);
  if (plan.candidates.length === 0 && plan.probes.length === 0) {
    const all = sql`SELECT r.rid FROM resource r WHERE ${plan.base}`;
    if (plan.total === 'accurate') return count(db, sql`SELECT count(*) AS n FROM (${all})`);
    const n = bounded(db, all, plan.driverLimit);
    return n <= plan.driverLimit ? n : undefined;
  }
  if (plan.total !== 'accurate') return undefined;
  if (plan.candidates.length === 0) return counted(source(plan, -1, 'scan'));
  const driver = plan.candidates.findIndex((candidate) => candidate.ordered);
  return counted(source(plan, driver >= 0 ? driver : 0, driver >= 0 ? 'stream' : 'small'));
}

function fetchRows(db: DatabaseSync, rids: number[]): ResultRow[] {
  if (rids.length === 0) return [];
  const query = sql`SELECT r.rid, r.type, r.id, v.content FROM resource r JOIN resource_version v
    ON v.resource_type = r.type AND v.id = r.id AND v.version = r.version WHERE r.rid IN ${list(rids)}`;
  const byRid = new Map(
    db
      .prepare(query.text)
      .all(...query.params)
      .map((row) => [Number(row.rid), row]),
  );
  return rids
    .map((rid) => byRid.get(rid))
    .filter((row) => row !== undefined)
    .map((row) => ({ rid: Number(row.rid), type: String(row.type), id: String(row.id), content: String(row.content) }));
}

/** `_include` and `_revinclude`, repeated for `:iterate` on what the previous round added, bounded in count. */
function includes(
  db: DatabaseSync,
  plan: SearchPlan,
  matches: ResultRow[],
): { included: ResultRow[]; truncated: boolean } {
  const seen = new Set(matches.map((row) => row.rid));
  const included: ResultRow[] = [];
  let frontier = matches;
  let truncated = false;
  for (let round = 0; round <= MAX_ITERATIONS && frontier.length > 0 && !truncated; round++) {
    const found: number[] = [];
    for (const step of plan.includes) {
      if (round > 0 && !step.iterate) continue;
      const sources = frontier.filter((row) =>
        step.reverse ? true : step.sourceType === '*' || row.type === step.sourceType,
      );
      if (sources.length === 0) continue;
      const room = plan.maxIncludes - included.length - found.length;
      for (const rid of includeStep(
        db,
        step,
        sources.map((row) => row.rid),
        room + 1,
      )) {
        if (seen.has(rid)) continue;
        if (found.length >= room) {
          truncated = true;
          break;
        }
        seen.add(rid);
        found.push(rid);
      }
    }
    frontier = fetchRows(db, found);
    included.push(...frontier);
  }
  return { included, truncated };
}

/** One include step, from the page's rows outwards (CROSS JOIN: SQLite keeps that order, rather than scanning a type). */
function includeStep(db: DatabaseSync, step: IncludeStep, rids: number[], limit: number): number[] {
  const params = step.params.length > 0 ? sql` AND x.sp IN ${list(step.params)}` : sql``;
  const query = step.reverse
    ? sql`SELECT DISTINCT x.rid FROM resource p CROSS JOIN idx_reference x ON x.ttype = p.type AND x.tid = p.id
        CROSS JOIN resource s ON s.rid = x.rid AND s.deleted = 0
        WHERE p.rid IN ${list(rids)}${params}${step.sourceType === '*' ? sql`` : sql` AND s.type = ${step.sourceType}`}
        ${step.targetType ? sql` AND p.type = ${step.targetType}` : sql``} LIMIT ${limit}`
    : sql`SELECT DISTINCT t.rid FROM idx_reference x CROSS JOIN resource t ON t.type = x.ttype AND t.id = x.tid AND t.deleted = 0
        WHERE x.rid IN ${list(rids)}${params}${step.targetType ? sql` AND x.ttype = ${step.targetType}` : sql``} LIMIT ${limit}`;
  return db
    .prepare(query.text)
    .all(...query.params)
    .map((row) => Number(row.rid));
}
