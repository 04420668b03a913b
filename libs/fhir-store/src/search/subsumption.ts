import type { DatabaseSync } from 'node:sqlite';
import { invalid, safeName } from './search-query';
import { Sql, sql } from './sql';

/** Codes a token `:above`/`:below` expands to, at most; more is refused with `too-costly`. */
export const MAX_SUBSUMED_CODES = 1000;
/** Hierarchy rows the expansions of one search read, at most; more is refused with `too-costly`. */
export const MAX_HIERARCHY_ROWS = 10_000;

/**
 * The CodeSystem resource whose hierarchy a system's codes are walked in: of
 * those stored with that url (any version), the first stored (its `rid` is kept
 * across updates), so that a CodeSystem stored later with the same url changes nothing.
 */
const owner = (system: string) => sql`(SELECT min(o.rid) FROM idx_code_parent o WHERE o.system = ${system})`;

/**
 * One step of the walk from the codes reached so far (`walk`). CROSS JOIN keeps
 * `walk` outermost, so that each step looks up the children (or parents) of one
 * code by `idx_code_parent_down`/`_up` instead of reading every row of the
 * system per code reached.
 */
const STEPS = {
  below: (system: string) =>
    sql`SELECT h.code FROM walk w CROSS JOIN idx_code_parent h WHERE h.system = ${system} AND h.parent = w.code AND h.rid = ${owner(system)}`,
  above: (system: string) =>
    sql`SELECT h.parent FROM walk w CROSS JOIN idx_code_parent h WHERE h.system = ${system} AND h.code = w.code AND h.parent <> '' AND h.rid = ${owner(system)}`,
};

/**
 * Token subsumption (R4 3.1.1.5.x `:above`, `:below`) over the hierarchies of
 * the CodeSystem resources kept in the store itself (`idx_code_parent`, filled
 * when a complete CodeSystem is written; one per url, see `owner`): the code and
 * every code it subsumes (`below`) or that subsume it (`above`).
 */
export class Subsumption {
  constructor(private readonly db: DatabaseSync) {}

  /**
   * The codes, as a query that runs with the search plan (in a search worker,
   * within the search's budget: `search_budget()` at every code reached), not now.
   * UNION drops codes met before (cycles end), LIMIT stops the walk one code
   * past the bound, and the walk refuses itself (`search_refuse`, `search_rows`)
   * past `MAX_SUBSUMED_CODES` codes or `MAX_HIERARCHY_ROWS` rows read (`h.code`
   * is passed to `search_rows` so that SQLite calls it for each row read, not once per code reached).
   */
  codes(name: string, system: string, code: string, direction: 'above' | 'below'): Sql {
    // One index seek: cheap enough for the thread that plans.
    if (!this.db.prepare('SELECT 1 FROM idx_code_parent WHERE system = ? LIMIT 1').get(system)) {
      throw invalid(name, 'names a code system whose hierarchy this server does not hold (no CodeSystem stored)');
    }
    const label = `Search parameter '${safeName(name)}'`;
    const tooMany = `${label} subsumes more than ${MAX_SUBSUMED_CODES} codes: narrow it`;
    const tooLong = `${label} reads more than ${MAX_HIERARCHY_ROWS} rows of code hierarchies: narrow it`;
    return sql`SELECT iif(n > ${MAX_SUBSUMED_CODES}, search_refuse(${tooMany}), code) FROM (
      SELECT code, count(*) OVER () AS n FROM (
        WITH RECURSIVE walk(code) AS (SELECT ${code} UNION ${STEPS[direction](system)}
          AND search_budget() AND search_rows(${MAX_HIERARCHY_ROWS}, ${tooLong}, h.code) LIMIT ${MAX_SUBSUMED_CODES + 1})
        SELECT code FROM walk))`;
  }
}
