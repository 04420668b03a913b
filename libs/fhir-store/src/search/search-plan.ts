import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Sql, join, list, sql } from './sql';

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

/**
 * A search compiled to SQL, as plain data: it runs in a worker thread (or in
 * process) with nothing but a connection to the store file.
 */
export interface SearchPlan {
  /** Conditions every match meets (type, liveness), on the alias `r` of `resource`. */
  base: Sql;
  /** Filters that can drive the search from an index (the most selective does), with their probe form. */
  candidates: { ridSet: Sql; probe: Sql }[];
  /** Filters that are only probes. */
  probes: Sql[];
  /** `ORDER BY` terms before the `rid` tie-break. */
  order: Sql[];
  count: number;
  offset: number;
  /** `auto`: the total when there are at most `AUTO_TOTAL_LIMIT` matches, none beyond (ask `_total=accurate`). */
  total: 'none' | 'estimate' | 'accurate' | 'auto';
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

/** A filter matching at most this many rows drives the search; beyond, the type is scanned in order and probed. */
const DRIVER_LIMIT = 5000;
const MAX_ITERATIONS = 4;
export const AUTO_TOTAL_LIMIT = 10_000;

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

/** Thrown out of a statement when the search outlives its budget. */
export const TOO_COSTLY = 'search-too-costly';
const deadlines = new WeakMap<DatabaseSync, { deadline: number }>();

/**
 * `node:sqlite` exposes no progress handler or interrupt, but it runs SQL
 * functions written in JS: every row a search examines calls this one, which
 * aborts the statement once the deadline has passed.
 */
export function setDeadline(db: DatabaseSync, deadline: number): void {
  let state = deadlines.get(db);
  if (!state) {
    const created = { deadline };
    db.function('search_budget', { deterministic: false }, () => {
      if (Date.now() > created.deadline) throw new Error(TOO_COSTLY);
      return 1;
    });
    deadlines.set(db, (state = created));
  }
  state.deadline = deadline;
}

/** Runs a plan within a time budget: the page of matches, its total when asked for, and its included resources. */
export function executePlan(db: DatabaseSync, plan: SearchPlan, budgetMs: number): PlanResult {
  setDeadline(db, Date.now() + budgetMs);
  const estimates = plan.candidates.map((candidate) =>
    count(db, sql`SELECT count(*) AS n FROM (${candidate.ridSet} LIMIT ${DRIVER_LIMIT + 1})`),
  );
  const smallest = estimates.length > 0 ? Math.min(...estimates) : Infinity;
  if (smallest === 0)
    return {
      matches: [],
      included: [],
      total: plan.total === 'none' ? undefined : 0,
      more: false,
      includesTruncated: false,
    };
  const driver = smallest <= DRIVER_LIMIT ? estimates.indexOf(smallest) : -1;
  const conditions = [
    // First, so that it runs for every row examined, whatever the other conditions answer.
    sql`search_budget()`,
    plan.base,
    ...plan.candidates.map((candidate, i) => (i === driver ? sql`r.rid IN (${candidate.ridSet})` : candidate.probe)),
    ...plan.probes,
  ];
  const where = join(conditions, ' AND ');

  let rids: number[] = [];
  let more = false;
  if (plan.count > 0) {
    const order = join([...plan.order, sql`r.rid`], ', ');
    const page = sql`SELECT r.rid FROM resource r WHERE ${where} ORDER BY ${order} LIMIT ${plan.count + 1} OFFSET ${plan.offset}`;
    rids = db
      .prepare(page.text)
      .all(...page.params)
      .map((row) => Number(row.rid));
    more = rids.length > plan.count;
    if (more) rids.pop();
  }

  let total: number | undefined;
  if (plan.count > 0 && plan.offset === 0 && !more && plan.total !== 'none') total = rids.length;
  else if (plan.total === 'accurate') total = count(db, sql`SELECT count(*) AS n FROM resource r WHERE ${where}`);
  else if (plan.total === 'auto') {
    const bounded = count(
      db,
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM resource r WHERE ${where} LIMIT ${AUTO_TOTAL_LIMIT + 1})`,
    );
    if (bounded <= AUTO_TOTAL_LIMIT) total = bounded;
  }

  const matches = fetchRows(db, rids);
  const { included, truncated } = includes(db, plan, matches);
  return { matches, included, total, more, includesTruncated: truncated };
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

function includeStep(db: DatabaseSync, step: IncludeStep, rids: number[], limit: number): number[] {
  const params = step.params.length > 0 ? sql` AND x.sp IN ${list(step.params)}` : sql``;
  const query = step.reverse
    ? sql`SELECT DISTINCT x.rid FROM resource p JOIN idx_reference x ON x.ttype = p.type AND x.tid = p.id
        JOIN resource s ON s.rid = x.rid AND s.deleted = 0
        WHERE p.rid IN ${list(rids)}${params}${step.sourceType === '*' ? sql`` : sql` AND s.type = ${step.sourceType}`}
        ${step.targetType ? sql` AND p.type = ${step.targetType}` : sql``} LIMIT ${limit}`
    : sql`SELECT DISTINCT t.rid FROM idx_reference x JOIN resource t ON t.type = x.ttype AND t.id = x.tid AND t.deleted = 0
        WHERE x.rid IN ${list(rids)}${params}${step.targetType ? sql` AND x.ttype = ${step.targetType}` : sql``} LIMIT ${limit}`;
  return db
    .prepare(query.text)
    .all(...query.params)
    .map((row) => Number(row.rid));
}
