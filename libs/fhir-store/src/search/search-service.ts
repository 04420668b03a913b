import type { Bundle } from '@medplum/fhirtypes';
import { paramKey } from '../indexing/extract-index-rows';
import { INDEX_TABLES } from '../storage/schema';
import type { StoreDatabase } from '../storage/store-database';
import { FilterCompiler } from './compile-filter';
import { compileForEveryType } from './every-type';
import { checkFullTextTerms } from './full-text-query';
import { patientCompartmentParams } from './patient-compartment';
import type { PlanRunner } from './plan-runner';
import { searchBundle } from './search-bundle';
import { DRIVER_LIMIT, IncludeStep, SearchPlan, SortSource, SortWalk, withoutRows } from './search-plan';
import { IncludeRequest, SearchQuery, SortKey, parseSearchQuery } from './search-query';
import { Sql, join, list, raw, sql } from './sql';
import { Subsumption } from './subsumption';

/** Included resources per page, at most. */
export const MAX_INCLUDES = 1000;

/** Restricts a search to the compartment of one patient (R4 compartments, `Patient/{id}/...`). */
export interface SearchScope {
  patient?: string;
}

export interface SearchOptions {
  lenient?: boolean;
  scope?: SearchScope;
  /** The path the links repeat (`Observation`, `Patient/1/Observation`). */
  path?: string;
}

/**
 * The index tables' column lists that have an index on `(sp, ...columns)`
 * (whose next column is then `rid`, the tables' primary key leading with it):
 * a sort on them walks that index. Read from the store's schema, so that an
 * index added there is used without a change here.
 */
function walkableColumns(db: StoreDatabase): Set<string> {
  const columns = new Set<string>();
  for (const table of INDEX_TABLES) {
    for (const index of db.db.prepare(`PRAGMA index_list(${table})`).all()) {
      const names = db.db
        .prepare(`PRAGMA index_info(${String(index.name)})`)
        .all()
        .map((column) => String(column.name));
      if (names.length >= 2 && names[0] === 'sp' && Number(index.partial) === 0)
        columns.add(`${table}.${names.slice(1).join(',')}`);
    }
  }
  return columns;
}

const sourceColumns = (source: SortSource) =>
  `${source.table}.${[...(source.group === undefined ? [] : [source.group]), source.column].join(',')}`;

/**
 * Where a sort key's values come from: the smallest value ascending, the largest
 * descending. Quantities compare in UCUM base units, grouped by those units,
 * where their unit converts (`idx_ucum`); a resource without such a value sorts
 * after those with one, by its values as stored (docs/fhir.md).
 */
function sortSources(key: SortKey): SortSource[] {
  const sources: Record<string, SortSource[]> = {
    string: [{ table: 'idx_string', column: 'value' }],
    token: [{ table: 'idx_token', column: 'code' }],
    date: [{ table: 'idx_date', column: key.descending ? 'hi' : 'lo' }],
    number: [{ table: 'idx_number', column: key.descending ? 'hi' : 'lo' }],
    quantity: [
      { table: 'idx_ucum', group: 'unit', column: 'value' },
      { table: 'idx_quantity', column: 'value' },
    ],
    reference: [{ table: 'idx_reference', column: "ttype || '/' || tid || url" }],
    uri: [{ table: 'idx_uri', column: 'value' }],
  };
  return sources[key.param!.type];
}

type IncludeStepInput = Omit<IncludeStep, 'params'> & { params: number[] };

/** Parses, plans and runs searches; plans are plain data, run by a `PlanRunner`. */
export class SearchService {
  private walkable?: Set<string>;

  constructor(
    private readonly db: StoreDatabase,
    private readonly runner: PlanRunner,
    private readonly baseUrl: string,
  ) {}

  parse(resourceType: string, query: string, lenient = false): SearchQuery {
    const parsed = parseSearchQuery(resourceType, new URLSearchParams(query), lenient);
    checkFullTextTerms(parsed.filters);
    if (parsed.summary === 'count') return { ...parsed, count: 0, total: 'accurate' };
    return parsed;
  }

  async search(resourceType: string, query: string, options: SearchOptions = {}): Promise<Bundle> {
    const parsed = this.parse(resourceType, query, options.lenient);
    const result = await this.runner.run(this.plan(parsed, options.scope));
    return searchBundle(parsed, result, this.baseUrl, options.path ?? resourceType);
  }

  /** Compiles a parsed search to a plan. */
  plan(query: SearchQuery, scope: SearchScope = {}): SearchPlan {
    const compiler = new FilterCompiler((key) => this.db.knownParamId(key), Date.now(), new Subsumption(this.db.db));
    const base =
      query.resourceType !== '*'
        ? sql`r.type = ${query.resourceType} AND r.deleted = 0`
        : query.types
          ? sql`r.type IN ${list(query.types)} AND r.deleted = 0`
          : sql`r.deleted = 0`;
    const candidates: SearchPlan['candidates'] = [];
    const probes: Sql[] = [];
    for (const filter of query.filters) {
      // A search of every type is always of a patient's compartment: its types, or those `_type` names.
      const compiled =
        query.resourceType === '*'
          ? compileForEveryType(compiler, filter, query.types ?? [...patientCompartmentParams().keys()])
          : compiler.compile(filter);
      if (compiled.ridSet)
        candidates.push({
          ridSet: compiled.ridSet,
          probe: compiled.probe('r'),
          inner: compiled.inner ?? [],
          ordered: compiled.ordered ?? false,
          exact: true,
          unique: compiled.unique ?? false,
          boundedByInner: filter.kind === 'has',
          fansOut: filter.kind === 'chain',
          count: compiled.count,
        });
      else probes.push(compiled.probe('r'));
    }
    if (scope.patient !== undefined) {
      const compartment = this.compartmentRids(query.resourceType, scope.patient, query.types);
      if (compartment)
        candidates.push({
          ridSet: compartment,
          probe: sql`r.rid IN (${compartment})`,
          inner: [],
          ordered: false,
          exact: false,
          unique: false,
          boundedByInner: false,
          fansOut: false,
        });
      else probes.push(sql`0`);
    }
    const [first] = query.sort;
    return {
      base,
      candidates,
      probes,
      order: query.sort.map((key) => this.sortTerms(key)),
      descending: first?.descending ?? false,
      walk: first ? this.sortWalk(first) : undefined,
      count: query.count,
      offset: query.offset,
      // A keyset applies to the default order only; a sorted search pages by offset.
      after: query.sort.length === 0 ? query.after : undefined,
      total: query.total ?? 'auto',
      driverLimit: DRIVER_LIMIT,
      includes: [
        ...query.include.map((include) => this.includeStep(include, false)),
        ...query.revinclude.map((include) => this.includeStep(include, true)),
      ].filter((step): step is IncludeStepInput => step !== undefined),
      maxIncludes: MAX_INCLUDES,
    };
  }

  /**
   * Rids of the resources of a type (or of every type, `*`, or of those of `only`) in a patient's compartment;
   * undefined if the type has none.
   */
  compartmentRids(resourceType: string, patientId: string, only?: readonly string[]): Sql | undefined {
    const compartment = patientCompartmentParams();
    const types =
      resourceType === '*' ? [...compartment.keys()].filter((type) => only?.includes(type) ?? true) : [resourceType];
    const sps = types.flatMap((type) =>
      (compartment.get(type) ?? [])
        .map((code) => this.db.knownParamId(paramKey(type, code)))
        .filter((sp): sp is number => sp !== undefined),
    );
    if (resourceType !== '*' && !compartment.has(resourceType)) return undefined;
    const referencing = sql`SELECT x.rid FROM idx_reference x WHERE x.ttype = 'Patient' AND x.tid = ${patientId} AND x.sp IN ${list(sps)}`;
    if (resourceType !== '*' ? resourceType !== 'Patient' : !types.includes('Patient')) return referencing;
    return sql`${referencing} UNION SELECT p.rid FROM resource p WHERE p.type = 'Patient' AND p.id = ${patientId}`;
  }

  /**
   * A sort key's `ORDER BY` terms, typed: strings by their folded form, dates and numbers as values,
   * quantities as the walk reads them (`sortSources`); missing values last. A resource takes its values
   * from the first source that has one for it; within a grouped source, from its first group (in the
   * key's direction), so that the terms order resources as the walk meets them. `+s.sp` keeps SQLite
   * from answering MIN/MAX by walking the `(sp, value)` index for each row (every value of the
   * parameter) instead of reading the one resource's rows by its key.
   */
  private sortTerms(key: SortKey): Sql[] {
    const direction = raw(key.descending ? 'DESC NULLS LAST' : 'ASC NULLS LAST');
    if (key.code === '_id') return [sql`r.id ${direction}`];
    const pick = raw(key.descending ? 'MAX' : 'MIN');
    const sp = this.sortParamId(key);
    const sources = sortSources(key);
    return sources.flatMap(({ table, column, group }, index) => {
      const rows = sql`FROM ${raw(table)} s WHERE s.rid = r.rid AND +s.sp = ${sp}`;
      const earlier = sources.slice(0, index).map((other) => sql` AND ${withoutRows(other, sp)}`);
      const value = (only: Sql) => sql`(SELECT ${pick}(s.${raw(column)}) ${rows}${only}) ${direction}`;
      if (group === undefined) return [value(join(earlier, ''))];
      const first = sql`(SELECT ${pick}(s.${raw(group)}) ${rows}${join(earlier, '')})`;
      const sameGroup = sql` AND s.${raw(group)} = (SELECT ${pick}(g.${raw(group)}) FROM ${raw(table)} g WHERE g.rid = r.rid AND +g.sp = ${sp})`;
      return [sql`${first} ${direction}`, value(sameGroup)];
    });
  }

  /** The indexes a sort key can be read in order from: `(sp, [group,] column)` with `rid` next. */
  private sortWalk(key: SortKey): SortWalk | undefined {
    if (key.code === '_id') return undefined;
    const sources = sortSources(key);
    this.walkable ??= walkableColumns(this.db);
    if (!sources.every((source) => this.walkable!.has(sourceColumns(source)))) return undefined;
    return { sources, sp: this.sortParamId(key), descending: key.descending };
  }

  private sortParamId(key: SortKey): number {
    const param = key.param!;
    return this.db.knownParamId(paramKey(param.resourceType, param.code)) ?? -1;
  }

  private includeStep(include: IncludeRequest, reverse: boolean): IncludeStepInput | undefined {
    const params = include.params
      .map((param) => this.db.knownParamId(paramKey(param.resourceType, param.code)))
      .filter((sp): sp is number => sp !== undefined);
    if (params.length === 0 && include.sourceType !== '*') return undefined;
    return {
      reverse,
      sourceType: include.sourceType,
      params,
      targetType: include.targetType,
      iterate: include.iterate,
    };
  }
}
