import { FhirError } from '@ehr-gateway/fhir';
import type { Bundle, BundleLink } from '@medplum/fhirtypes';
import { DEFAULT_COUNT, MAX_COUNT, invalid } from './search/search-query';
import { tooCostly } from './search/plan-runner';
import { TOO_COSTLY, setDeadline } from './search/search-plan';
import { dateRange } from './search/search-values';
import { Sql, join, sql } from './search/sql';
import { StoreDatabase, VersionRow, toStoredVersion } from './storage/store-database';

/** A history Bundle gives its total up to this many versions, and none beyond (counting them all would scan the store). */
const TOTAL_LIMIT = 10_000;

export interface HistoryTarget {
  resourceType?: string;
  id?: string;
}

interface HistoryQuery {
  count: number;
  offset: number;
  since?: string;
  /** `_at`: the period whose current versions are wanted (inclusive ISO bounds). */
  at?: [string, string];
}

function parseHistoryQuery(query: string): HistoryQuery {
  const parsed: HistoryQuery = { count: DEFAULT_COUNT, offset: 0 };
  for (const [name, value] of new URLSearchParams(query)) {
    switch (name) {
      case '_count':
      case '_offset':
        if (!/^\d{1,9}$/.test(value)) throw invalid(name, 'must be a whole number');
        if (name === '_count') parsed.count = Math.min(Number(value), MAX_COUNT);
        else parsed.offset = Number(value);
        break;
      case '_since': {
        const range = /T/.test(value) ? dateRange(value) : undefined;
        if (!range) throw invalid(name, 'must be an instant');
        parsed.since = new Date(range[0]).toISOString();
        break;
      }
      case '_at': {
        const range = dateRange(value);
        if (!range) throw invalid(name, 'is not a valid date');
        parsed.at = [new Date(range[0]).toISOString(), new Date(range[1]).toISOString()];
        break;
      }
      case '_format':
      case '_pretty':
        break;
      default:
        throw FhirError.badRequest(
          `History takes _count, _offset, _since and _at; '${/^[\w:.-]{1,40}$/.test(name) ? name : '?'}' is not supported`,
        );
    }
  }
  return parsed;
}

/**
 * Instance, type and system history (R4 3.1.0.5): newest first, paged with
 * `_count`/`_offset`, filtered by `_since` (versions recorded at or after it)
 * and `_at` (versions current at some moment of the period). The total is given
 * up to `TOTAL_LIMIT` versions, so that a page never counts the whole store, and
 * the statements stop at the store's search budget (`too-costly`), like a search.
 */
export function history(
  db: StoreDatabase,
  target: HistoryTarget,
  query: string,
  baseUrl: string,
  budgetMs: number,
): Bundle {
  const parsed = parseHistoryQuery(query);
  setDeadline(db.db, Date.now() + budgetMs);
  try {
    return historyBundle(db, target, parsed, query, baseUrl);
  } catch (error) {
    if ((error as Error).message.includes(TOO_COSTLY)) throw tooCostly(budgetMs);
    throw error;
  }
}

function historyBundle(
  db: StoreDatabase,
  target: HistoryTarget,
  parsed: HistoryQuery,
  query: string,
  baseUrl: string,
): Bundle {
  // First, so that it runs for every row examined: stops the statement once the budget has passed.
  const conditions: Sql[] = [sql`search_budget()`];
  if (target.resourceType) conditions.push(sql`v.resource_type = ${target.resourceType}`);
  if (target.id) conditions.push(sql`v.id = ${target.id}`);
  if (parsed.since) conditions.push(sql`v.last_updated >= ${parsed.since}`);
  if (parsed.at) {
    const [low, high] = parsed.at;
    conditions.push(sql`v.last_updated <= ${high} AND NOT EXISTS (SELECT 1 FROM resource_version n
      WHERE n.resource_type = v.resource_type AND n.id = v.id AND n.version > v.version AND n.last_updated <= ${low})`);
  }
  const where = sql`WHERE ${join(conditions, ' AND ')}`;
  const page = sql`SELECT v.* FROM resource_version v ${where} ORDER BY v.last_updated DESC, v.rowid DESC LIMIT ${parsed.count + 1} OFFSET ${parsed.offset}`;
  const rows = db.db.prepare(page.text).all(...page.params) as unknown as VersionRow[];
  const more = rows.length > parsed.count;
  if (more) rows.pop();
  // Counted up to a bound, like a search's estimated total: beyond it the Bundle carries no total.
  const counted = sql`SELECT count(*) AS n FROM (SELECT 1 FROM resource_version v ${where} LIMIT ${TOTAL_LIMIT + 1})`;
  const total = Number(db.db.prepare(counted.text).get(...counted.params)!.n);
  const path = [target.resourceType, target.id, '_history'].filter(Boolean).join('/');
  const link = (relation: string, offset: number): BundleLink => {
    const params = new URLSearchParams(query);
    params.set('_count', String(parsed.count));
    if (offset > 0) params.set('_offset', String(offset));
    else params.delete('_offset');
    return { relation, url: `${baseUrl}/${path}?${params.toString()}` };
  };
  const links = [link('self', parsed.offset)];
  if (parsed.offset > 0) links.push(link('previous', Math.max(0, parsed.offset - parsed.count)));
  if (more && parsed.count > 0) links.push(link('next', parsed.offset + parsed.count));
  return {
    resourceType: 'Bundle',
    type: 'history',
    ...(total <= TOTAL_LIMIT ? { total } : {}),
    link: links,
    entry: rows.map((row) => {
      const version = toStoredVersion(row);
      return {
        fullUrl: `${baseUrl}/${version.resourceType}/${version.id}`,
        ...(version.resource ? { resource: version.resource } : {}),
        request: {
          method: version.deleted ? 'DELETE' : version.version === 1 ? 'POST' : 'PUT',
          url:
            version.version === 1 && !version.deleted ? version.resourceType : `${version.resourceType}/${version.id}`,
        },
        response: {
          status: version.deleted ? '204' : version.version === 1 ? '201' : '200',
          etag: `W/"${version.version}"`,
          lastModified: version.lastUpdated,
        },
      };
    }),
  };
}
