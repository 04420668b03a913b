import { FHIR_ID_PATTERN } from '@ehr-gateway/fhir';
import { componentKey, identifierKey, paramKey, textKey } from '../indexing/extract-index-rows';
import { acceptsOfType, ofTypeCode, ofTypeKey } from '../indexing/identifier-type';
import { IndexedType, ParamDef } from '../indexing/search-parameters';
import { UCUM_SYSTEM, canonicalRange } from '../indexing/ucum';
import { DATE_MAX, DATE_MIN, foldString, prefixUpperBound, referenceKey } from '../indexing/values';
import { FULL_TEXT_TABLE, IndexTable } from '../storage/schema';
import { fullTextQuery } from './full-text-query';
import { FilterExpr, invalid, splitEscaped } from './search-query';
import { Prefix, dateRange, numberRange, splitPrefix } from './search-values';
import { Sql, join, list, raw, sql } from './sql';
import type { Subsumption } from './subsumption';
import { expandValueSet } from './value-sets';

/**
 * A compiled filter. `probe(alias)` is a condition on a `resource` row (is this
 * resource a match?); `ridSet`, when the filter can be answered from the
 * indexes alone, is a query returning the `rid`s of every match, which the
 * executor may use to drive the search when it is selective.
 */
export interface CompiledFilter {
  probe: (alias: string) => Sql;
  ridSet?: Sql;
  /**
   * Sets `ridSet` reads in full before it yields a row (the inner matches of a
   * chain or `_has`, innermost first): the ridSet is cheap only when each is small.
   */
  inner?: Sql[];
  /** `ridSet` is one index range in `rid` order, one row per resource: it can stream a page without sorting. */
  ordered?: boolean;
  /** `ridSet` yields each resource once. */
  unique?: boolean;
  /**
   * The probe matches only resources that have index rows, which only live resources have: a chain
   * through it need not read the target's row to check that it is not deleted.
   */
  live?: boolean;
  /** A query of one row, `n`, counting the matches from maintained counts (`token-counts.ts`); no row means none. */
  count?: Sql;
}

/** Rows of one index table meeting a condition (`cond` is written against the alias it is given). */
interface Leaf {
  table: IndexTable;
  /** The parameter id its rows are under (`cond` tests it too). */
  sp: number;
  cond: (alias: string) => Sql;
  /** An equality on every index column before `rid`: the rows come in `rid` order. */
  ordered?: boolean;
  /** See `CompiledFilter.count`. */
  count?: Sql;
}

/** Leaves joined on `rid` and `grp` (the components of one composite value); a plain filter has one. */
type Alternative = Leaf[];

const MODIFIERS: Record<IndexedType, string[]> = {
  string: ['exact', 'contains', 'missing'],
  token: ['not', 'text', 'in', 'not-in', 'above', 'below', 'of-type', 'missing'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  reference: ['identifier', 'above', 'below', 'missing'],
  uri: ['above', 'below', 'missing'],
  composite: [],
};

/** The modifiers a parameter supports (a reference also takes `:[type]`; `:of-type` is for Identifier tokens only). */
export const supportedModifiers = (param: ParamDef): string[] =>
  MODIFIERS[param.type].filter((modifier) => modifier !== 'of-type' || acceptsOfType(param));

const TABLE: Record<Exclude<IndexedType, 'composite'>, IndexTable> = {
  string: 'idx_string',
  token: 'idx_token',
  date: 'idx_date',
  number: 'idx_number',
  quantity: 'idx_quantity',
  reference: 'idx_reference',
  uri: 'idx_uri',
};

/** Compiles parsed filters to SQL over the index tables. */
export class FilterCompiler {
  private aliases = 0;

  /**
   * `paramId` maps a parameter key to its id, undefined when nothing was ever indexed under it;
   * `subsumption` answers token `:above`/`:below` from the stored CodeSystems.
   */
  constructor(
    private readonly paramId: (key: string) => number | undefined,
    private readonly now = Date.now(),
    private readonly subsumption?: Subsumption,
  ) {}

  compile(filter: FilterExpr): CompiledFilter {
    switch (filter.kind) {
      case 'id':
        return this.id(filter.resourceType, filter.values, filter.not ?? false);
      case 'chain':
        return this.chain(filter);
      case 'has':
        return this.has(filter);
      case 'list':
        return this.list(filter.resourceType, filter.listIds);
      case 'text':
        return this.fullText(filter);
      case 'param':
        return this.param(filter.name, filter.param, filter.modifier, filter.values);
    }
  }

  /** The rids of a filter's matches, even for a filter that is only a probe (scanning its type). */
  private rowSet(filter: FilterExpr, resourceType: string): { ridSet: Sql; inner?: Sql[] } {
    const compiled = this.compile(filter);
    if (compiled.ridSet) return { ridSet: compiled.ridSet, inner: compiled.inner };
    const alias = this.alias('r');
    return {
      ridSet: sql`SELECT ${raw(alias)}.rid FROM resource ${raw(alias)} WHERE ${raw(alias)}.type = ${resourceType} AND ${raw(alias)}.deleted = 0 AND ${compiled.probe(alias)}`,
    };
  }

  private id(resourceType: string, values: string[], not: boolean): CompiledFilter {
    const ids = list(values);
    if (not) return { probe: (a) => sql`${raw(a)}.id NOT IN ${ids}` };
    const alias = this.alias('i');
    return {
      probe: (a) => sql`${raw(a)}.id IN ${ids}`,
      ridSet: sql`SELECT ${raw(alias)}.rid FROM resource ${raw(alias)} WHERE ${raw(alias)}.type = ${resourceType} AND ${raw(alias)}.id IN ${ids} AND ${raw(alias)}.deleted = 0`,
      unique: true,
    };
  }

  /** `_list`: the targets of the `item` references (List.entry.item) of the named Lists, through the reference index. */
  private list(resourceType: string, listIds: string[]): CompiledFilter {
    const sp = this.sp(paramKey('List', 'item'));
    const lists = sql`l.type = 'List' AND l.id IN ${list(listIds)} AND l.deleted = 0 AND li.sp = ${sp}`;
    return {
      probe: (a) =>
        sql`EXISTS (SELECT 1 FROM resource l JOIN idx_reference li ON li.rid = l.rid
          WHERE ${lists} AND li.ttype = ${raw(a)}.type AND li.tid = ${raw(a)}.id)`,
      ridSet: sql`SELECT DISTINCT lr.rid FROM resource l JOIN idx_reference li ON li.rid = l.rid
        JOIN resource lr ON lr.type = li.ttype AND lr.id = li.tid
        WHERE ${lists} AND li.ttype = ${resourceType} AND lr.deleted = 0`,
      unique: true,
    };
  }

  /**
   * `_text`/`_content`: an FTS5 query over one column of the full-text table,
   * whose `rowid` is the resource's `rid` (the table holds live resources only).
   */
  private fullText(filter: Extract<FilterExpr, { kind: 'text' }>): CompiledFilter {
    const query = fullTextQuery(filter.name, filter.values);
    const column = raw(filter.field);
    const f = raw(this.alias('f'));
    const r = raw(this.alias('fr'));
    return {
      probe: (a) => {
        const p = raw(this.alias('f'));
        return sql`EXISTS (SELECT 1 FROM ${raw(FULL_TEXT_TABLE)} ${p} WHERE ${p}.rowid = ${raw(a)}.rid AND ${p}.${column} MATCH ${query})`;
      },
      // The full-text index drives (CROSS JOIN keeps it outermost), in rowid order: one row per resource.
      ridSet: sql`SELECT ${f}.rowid AS rid FROM ${raw(FULL_TEXT_TABLE)} ${f} CROSS JOIN resource ${r} ON ${r}.rid = ${f}.rowid
        WHERE ${f}.${column} MATCH ${query} AND ${r}.type = ${filter.resourceType}`,
      ordered: true,
      unique: true,
    };
  }

  /**
   * A chain `ref:Type.param=value`. As a row set: the resources referencing any
   * inner match (read in full, so only when the inner matches are few). As a
   * probe: follow the resource's own references and test each target, which
   * costs the same whatever the size of the inner set.
   */
  private chain(filter: Extract<FilterExpr, { kind: 'chain' }>): CompiledFilter {
    const sp = this.sp(paramKey(filter.param.resourceType, filter.param.code));
    const links = filter.links.map(({ type, next }) => ({
      type,
      inner: this.rowSet(next, type),
      next: this.compile(next),
    }));
    const ridSet = join(
      links.map(({ type, inner }) => {
        const t = raw(this.alias('c'));
        return sql`SELECT ${t}.rid FROM idx_reference ${t} WHERE ${t}.ttype = ${type} AND ${t}.sp = ${sp} AND ${t}.tid IN (SELECT rr.id FROM resource rr WHERE rr.rid IN (${inner.ridSet}))`;
      }),
      ' UNION ',
    );
    return {
      ridSet,
      live: true,
      inner: links.flatMap(({ inner }) => [...(inner.inner ?? []), inner.ridSet]),
      probe: (a) =>
        sql`(${join(
          links.map(({ type, next }) => {
            const t = this.alias('c');
            const target = this.alias('ct');
            // The resource's own references first (primary key), then each target: CROSS JOIN keeps that order.
            // The target's rid comes from the (type, id) index; its row is read only to check `deleted`.
            const live = next.live ? sql`` : sql`+${raw(target)}.deleted = 0 AND `;
            return sql`EXISTS (SELECT 1 FROM idx_reference ${raw(t)} CROSS JOIN resource ${raw(target)} ON ${raw(target)}.type = ${raw(t)}.ttype AND ${raw(target)}.id = ${raw(t)}.tid WHERE ${raw(t)}.rid = ${raw(a)}.rid AND ${raw(t)}.sp = ${sp} AND +${raw(t)}.ttype = ${type} AND ${live}${next.probe(target)})`;
          }),
          ' OR ',
        )})`,
    };
  }

  /**
   * `_has:Source:ref:param=value`. As a row set: the targets of the references
   * of every inner match (only when those are few). As a probe: the resources
   * referencing this one through `ref`, each tested, found by the reference index.
   */
  private has(filter: Extract<FilterExpr, { kind: 'has' }>): CompiledFilter {
    const key = this.sp(paramKey(filter.sourceType, filter.param.code));
    const inner = this.rowSet(filter.next, filter.sourceType);
    const next = this.compile(filter.next);
    const referenced = sql`(SELECT h.tid FROM idx_reference h WHERE h.sp = ${key} AND h.ttype = ${filter.targetType} AND h.rid IN (${inner.ridSet}))`;
    return {
      probe: (a) => {
        const h = this.alias('h');
        const source = this.alias('hs');
        return sql`EXISTS (SELECT 1 FROM idx_reference ${raw(h)} CROSS JOIN resource ${raw(source)} ON ${raw(source)}.rid = ${raw(h)}.rid WHERE ${raw(h)}.ttype = ${filter.targetType} AND ${raw(h)}.tid = ${raw(a)}.id AND ${raw(h)}.sp = ${key} AND ${next.probe(source)})`;
      },
      ridSet: sql`SELECT hr.rid FROM resource hr WHERE hr.type = ${filter.targetType} AND hr.deleted = 0 AND hr.id IN ${referenced}`,
      unique: true,
      inner: [...(inner.inner ?? []), inner.ridSet],
    };
  }

  private param(name: string, param: ParamDef, modifier: string | undefined, values: string[]): CompiledFilter {
    const key = paramKey(param.resourceType, param.code);
    const typeModifier = param.type === 'reference' && modifier !== undefined && param.targets.includes(modifier);
    if (modifier !== undefined && !typeModifier && !supportedModifiers(param).includes(modifier)) {
      throw invalid(name, 'has a modifier not allowed for its type');
    }
    if (modifier === 'missing') return this.missing(name, param, key, values);
    if (values.some((value) => value === '')) throw invalid(name, 'has an empty value');
    if (param.type === 'composite') {
      return this.fromAlternatives(values.map((value) => this.composite(name, param, key, value)));
    }
    if (modifier === 'not' || modifier === 'not-in') {
      const positive = this.fromAlternatives(
        values.map((value) => [
          this.leaf(
            name,
            param.type as Exclude<IndexedType, 'composite'>,
            key,
            modifier === 'not' ? undefined : 'in',
            value,
            param,
          ),
        ]),
      );
      return { probe: (a) => sql`NOT ${positive.probe(a)}` };
    }
    const type = param.type;
    return this.fromAlternatives(
      values.map((value) => [this.leaf(name, type, key, typeModifier ? `type:${modifier}` : modifier, value, param)]),
    );
  }

  private missing(name: string, param: ParamDef, key: string, values: string[]): CompiledFilter {
    if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false'))
      throw invalid(name, 'must be true or false');
    if (param.type === 'composite') throw invalid(name, 'has a modifier not allowed for its type');
    const table = raw(TABLE[param.type]);
    const sp = this.sp(key);
    const present = (a: string) => sql`EXISTS (SELECT 1 FROM ${table} m WHERE m.rid = ${raw(a)}.rid AND m.sp = ${sp})`;
    if (values[0] === 'true') return { probe: (a) => sql`NOT ${present(a)}` };
    return { probe: present, live: true, ridSet: sql`SELECT DISTINCT m.rid FROM ${table} m WHERE m.sp = ${sp}` };
  }

  private composite(name: string, param: ParamDef, key: string, value: string): Alternative {
    const parts = splitEscaped(value, '$');
    if (parts.length !== param.components!.length)
      throw invalid(name, `needs ${param.components!.length} components separated by '$'`);
    return param.components!.map((component, index) =>
      this.leaf(name, component.type, componentKey(key, index), undefined, parts[index], param),
    );
  }

  /** One value of a parameter as a condition on its index table. */
  private leaf(
    name: string,
    type: Exclude<IndexedType, 'composite'>,
    key: string,
    modifier: string | undefined,
    value: string,
    param: ParamDef,
  ): Leaf {
    switch (type) {
      case 'string':
        return this.string(key, modifier, value);
      case 'token':
        return this.token(name, key, modifier, value);
      case 'date':
        return this.date(name, key, value);
      case 'number':
        return this.number(name, key, value);
      case 'quantity':
        return this.quantity(name, key, value);
      case 'reference':
        return this.reference(name, param, key, modifier, value);
      case 'uri':
        return this.uri(key, modifier, value);
    }
  }

  private string(key: string, modifier: string | undefined, value: string): Leaf {
    const sp = this.sp(key);
    if (modifier === 'exact')
      return { table: 'idx_string', sp, cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.exact = ${value}` };
    const folded = foldString(value);
    if (modifier === 'contains') {
      const pattern = `%${folded.replace(/[\\%_]/g, '\\$&')}%`;
      return {
        table: 'idx_string',
        sp,
        cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.value LIKE ${pattern} ESCAPE '\\'`,
      };
    }
    return {
      table: 'idx_string',
      sp,
      cond: (t) =>
        sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.value >= ${folded} AND ${raw(t)}.value < ${prefixUpperBound(folded)}`,
    };
  }

  private token(name: string, key: string, modifier: string | undefined, value: string): Leaf {
    if (modifier === 'text') return this.string(textKey(key), undefined, value);
    if (modifier === 'of-type') return this.ofType(name, key, value);
    if (modifier === 'above' || modifier === 'below') return this.subsumed(name, key, modifier, value);
    const sp = this.sp(key);
    if (modifier === 'in') {
      const codes = expandValueSet(value);
      if (!codes) throw invalid(name, 'names a value set this server cannot expand');
      const pairs = JSON.stringify(codes.map(({ system, code }) => [system, code]));
      return {
        table: 'idx_token',
        sp,
        cond: (t) =>
          sql`${raw(t)}.sp = ${sp} AND (${raw(t)}.system, ${raw(t)}.code) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${pairs}))`,
      };
    }
    const parts = splitEscaped(value, '|');
    if (parts.length > 2) throw invalid(name, "has more than one '|'");
    if (parts.length === 1)
      return {
        table: 'idx_token',
        sp,
        cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.code = ${parts[0]}`,
        count: sql`SELECT n FROM token_code_count WHERE sp = ${sp} AND code = ${parts[0]}`,
      };
    const [system, code] = parts;
    if (code === '')
      return { table: 'idx_token', sp, cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.system = ${system}` };
    return {
      table: 'idx_token',
      sp,
      cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.code = ${code} AND ${raw(t)}.system = ${system}`,
      ordered: true,
      count: sql`SELECT n FROM token_count WHERE sp = ${sp} AND code = ${code} AND system = ${system}`,
    };
  }

  /** `identifier:of-type=system|code|value` (R4 3.1.1.4.6): the identifier's type coding with its value. */
  private ofType(name: string, key: string, value: string): Leaf {
    const parts = splitEscaped(value, '|');
    if (parts.length !== 3 || parts.some((part) => part === ''))
      throw invalid(name, 'takes a type system, type code and identifier value separated by |');
    const [system, typeCode, identifier] = parts;
    const sp = this.sp(ofTypeKey(key));
    const code = ofTypeCode(typeCode, identifier);
    return {
      table: 'idx_token',
      sp,
      cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.code = ${code} AND ${raw(t)}.system = ${system}`,
      ordered: true,
    };
  }

  /** Token `:below`/`:above` (`system|code`): the codes the stored CodeSystem's hierarchy puts below or above it. */
  private subsumed(name: string, key: string, direction: 'above' | 'below', value: string): Leaf {
    const parts = splitEscaped(value, '|');
    if (parts.length !== 2 || parts.some((part) => part === '')) throw invalid(name, 'takes a system|code');
    if (!this.subsumption) throw invalid(name, 'has a modifier not allowed for its type');
    const [system, code] = parts;
    const codes = this.subsumption.codes(name, system, code, direction);
    const sp = this.sp(key);
    return {
      table: 'idx_token',
      sp,
      cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.code IN (${codes}) AND ${raw(t)}.system = ${system}`,
    };
  }

  /** Date ranges compared as R4 3.1.1.4.2 says: the resource's range [lo, hi] against the value's [low, high]. */
  private date(name: string, key: string, value: string): Leaf {
    const { prefix, rest } = splitPrefix(value);
    const range = dateRange(rest);
    if (!range) throw invalid(name, 'is not a valid date');
    const [low, high] = range;
    const sp = this.sp(key);
    const margin = Math.max(Math.abs(this.now - low) * 0.1, 0);
    const contained = (t: Sql) => sql`${t}.lo >= ${low} AND ${t}.hi <= ${high}`;
    // Every stored range has lo <= hi: the bounds this implies on the other column are redundant for the
    // answer but give SQLite a closed range on one index (idx_date_lo or idx_date_hi), not half the table.
    const conditions: Record<Prefix, (t: Sql) => Sql> = {
      eq: (t) => sql`${contained(t)} AND ${t}.lo <= ${high} AND ${t}.hi >= ${low}`,
      ne: (t) => sql`NOT (${contained(t)})`,
      gt: (t) => sql`${t}.hi > ${high}`,
      lt: (t) => sql`${t}.lo < ${low}`,
      ge: (t) => sql`${t}.hi >= ${low} AND (${t}.hi > ${high} OR (${contained(t)}))`,
      le: (t) => sql`${t}.lo <= ${high} AND (${t}.lo < ${low} OR (${contained(t)}))`,
      sa: (t) => sql`${t}.lo > ${high}`,
      eb: (t) => sql`${t}.hi < ${low}`,
      ap: (t) =>
        sql`${t}.lo <= ${Math.min(high + margin, DATE_MAX)} AND ${t}.hi >= ${Math.max(low - margin, DATE_MIN)}`,
    };
    return { table: 'idx_date', sp, cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${conditions[prefix](raw(t))}` };
  }

  private number(name: string, key: string, value: string): Leaf {
    const { prefix, rest } = splitPrefix(value);
    const range = numberRange(rest);
    if (!range) throw invalid(name, 'is not a valid number');
    const sp = this.sp(key);
    return {
      table: 'idx_number',
      sp,
      cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${numberCondition(prefix, range, raw(`${t}.lo`), raw(`${t}.hi`))}`,
    };
  }

  private quantity(name: string, key: string, value: string): Leaf {
    const { prefix, rest } = splitPrefix(value);
    const [number, system, code, ...extra] = splitEscaped(rest, '|');
    const range = numberRange(number);
    if (!range || extra.length > 0 || (system !== undefined && code === undefined))
      throw invalid(name, 'is not a valid quantity');
    const sp = this.sp(key);
    // A UCUM unit that converts: compared in base units with every quantity stored in a unit that converts.
    const canonical = system === UCUM_SYSTEM && code ? canonicalRange(range, code) : undefined;
    if (canonical) {
      return {
        table: 'idx_ucum',
        sp,
        cond: (t) =>
          sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.unit = ${canonical.unit} AND ${numberCondition(prefix, canonical.range, raw(`${t}.value`), raw(`${t}.value`))}`,
      };
    }
    const unit = (t: Sql) =>
      join([...(system ? [sql`${t}.system = ${system}`] : []), ...(code ? [sql`${t}.code = ${code}`] : [])], ' AND ');
    return {
      table: 'idx_quantity',
      sp,
      cond: (t) => {
        const units = unit(raw(t));
        const compare = numberCondition(prefix, range, raw(`${t}.value`), raw(`${t}.value`));
        return units.text
          ? sql`${raw(t)}.sp = ${sp} AND ${compare} AND ${units}`
          : sql`${raw(t)}.sp = ${sp} AND ${compare}`;
      },
    };
  }

  private reference(name: string, param: ParamDef, key: string, modifier: string | undefined, value: string): Leaf {
    if (modifier === 'identifier') return this.token(name, identifierKey(key), undefined, value);
    if (modifier === 'above' || modifier === 'below') {
      // On absolute and canonical references, as on a uri: `url` is empty for a relative reference.
      if (!ABSOLUTE_URL.test(value)) throw invalid(name, `takes an absolute or canonical URL with :${modifier}`);
      return this.referenceLeaf(
        param,
        (t) => sql`${urlHierarchy(raw(`${t}.url`), modifier, value)} AND ${raw(t)}.url <> ''`,
      );
    }
    if (modifier?.startsWith('type:')) {
      const type = modifier.slice('type:'.length);
      const id = value.includes('/') ? referenceKey(value) : { ttype: type, tid: value, url: '' };
      if (id.ttype !== type || !FHIR_ID_PATTERN.test(id.tid)) throw invalid(name, 'is not a valid id');
      return this.referenceLeaf(param, (t) => sql`${raw(t)}.ttype = ${type} AND ${raw(t)}.tid = ${id.tid}`, true);
    }
    if (FHIR_ID_PATTERN.test(value)) {
      // A bare id names a resource of any of the types the parameter can target (R4 3.1.1.4.8).
      const types = list(param.targets);
      return this.referenceLeaf(param, (t) =>
        param.targets.length > 0
          ? sql`${raw(t)}.ttype IN ${types} AND ${raw(t)}.tid = ${value}`
          : sql`${raw(t)}.ttype <> '' AND ${raw(t)}.tid = ${value}`,
      );
    }
    const target = referenceKey(value);
    if (target.ttype)
      return this.referenceLeaf(
        param,
        (t) => sql`${raw(t)}.ttype = ${target.ttype} AND ${raw(t)}.tid = ${target.tid}`,
        true,
      );
    if (!ABSOLUTE_URL.test(value)) throw invalid(name, 'is not a valid reference');
    // `url <> ''` lets SQLite use the partial index on URLs (a bound value alone does not imply it).
    return this.referenceLeaf(param, (t) => sql`${raw(t)}.url = ${value} AND ${raw(t)}.url <> ''`);
  }

  private referenceLeaf(param: ParamDef, cond: (alias: string) => Sql, ordered = false): Leaf {
    const sp = this.sp(paramKey(param.resourceType, param.code));
    return { table: 'idx_reference', sp, cond: (t) => sql`${cond(t)} AND ${raw(t)}.sp = ${sp}`, ordered };
  }

  private uri(key: string, modifier: string | undefined, value: string): Leaf {
    const sp = this.sp(key);
    if (modifier === 'above' || modifier === 'below') {
      return {
        table: 'idx_uri',
        sp,
        cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${urlHierarchy(raw(`${t}.value`), modifier, value)}`,
      };
    }
    return {
      table: 'idx_uri',
      sp,
      cond: (t) => sql`${raw(t)}.sp = ${sp} AND ${raw(t)}.value = ${value}`,
      ordered: true,
    };
  }

  /** OR of alternatives; each alternative's leaves joined on the resource and the composite group. */
  private fromAlternatives(alternatives: Alternative[]): CompiledFilter {
    const rendered = alternatives.map((leaves) => {
      const aliases = leaves.map(() => this.alias('t'));
      // CROSS JOIN keeps the first leaf outermost (SQLite does not reorder it): its index drives, in rid order.
      const from = join(
        leaves.map((leaf, i) =>
          i === 0
            ? raw(`${leaf.table} ${aliases[0]}`)
            : raw(
                `CROSS JOIN ${leaf.table} ${aliases[i]} ON ${aliases[i]}.rid = ${aliases[0]}.rid AND ${aliases[i]}.grp = ${aliases[0]}.grp`,
              ),
        ),
        ' ',
      );
      const where = join(
        leaves.map((leaf, i) => leaf.cond(aliases[i])),
        ' AND ',
      );
      // A probe looks up one resource's rows by the primary key (rid, sp first). SQLite cannot see that
      // `rid = outer.rid` selects a few rows and may prefer a range on the value (every matching row of
      // the table, for each probe): unary `+` takes the value terms out of its choice, and the bare
      // `sp` equality beside them lets the key's second column narrow the resource's rows to the parameter's.
      const probeWhere = join(
        leaves.map((leaf, i) => sql`${raw(aliases[i])}.sp = ${leaf.sp} AND ${leaf.cond(`+${aliases[i]}`)}`),
        ' AND ',
      );
      return { from, where, probeWhere, first: aliases[0] };
    });
    const ridSet = join(
      rendered.map(({ from, where, first }) => sql`SELECT ${raw(first)}.rid FROM ${from} WHERE ${where}`),
      ' UNION ',
    );
    // A composite's rows are found from its first component's, each joined to the others by the
    // primary key: the first component's rows bound the work, whatever the other components select.
    const composite = alternatives.some((leaves) => leaves.length > 1);
    const firstLeaves = join(
      alternatives.map((leaves) => {
        const t = this.alias('t');
        return sql`SELECT ${raw(t)}.rid FROM ${raw(leaves[0].table)} ${raw(t)} WHERE ${leaves[0].cond(t)}`;
      }),
      ' UNION ALL ',
    );
    return {
      ridSet,
      live: true,
      inner: composite ? [firstLeaves] : undefined,
      ordered: alternatives.length === 1 && alternatives[0][0].ordered === true,
      // UNION removes repeats; one equality leaf has one row per resource.
      unique: alternatives.length > 1 || (!composite && alternatives[0][0].ordered === true),
      count: alternatives.length === 1 && !composite ? alternatives[0][0].count : undefined,
      probe: (a) =>
        sql`(${join(
          rendered.map(
            ({ from, probeWhere, first }) =>
              sql`EXISTS (SELECT 1 FROM ${from} WHERE ${raw(first)}.rid = ${raw(a)}.rid AND ${probeWhere})`,
          ),
          ' OR ',
        )})`,
    };
  }

  private sp(key: string): number {
    return this.paramId(key) ?? -1;
  }

  private alias(prefix: string): string {
    return `${prefix}${++this.aliases}`;
  }
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\S+$/i;

/**
 * uri `:below` (the stored URL starts with the value: an index range) and
 * `:above` (the value starts with the stored URL), R4 3.1.1.4.9.
 */
function urlHierarchy(column: Sql, modifier: 'above' | 'below', value: string): Sql {
  return modifier === 'below'
    ? sql`${column} >= ${value} AND ${column} < ${prefixUpperBound(value)}`
    : sql`substr(${value}, 1, length(${column})) = ${column}`;
}

/**
 * Number and quantity comparisons (R4 3.1.1.4.1): equality means within the
 * range the value's precision implies; the ordering prefixes compare with the
 * value itself. `lo`/`hi` are the stored value's bounds (equal for a point).
 */
function numberCondition(prefix: Prefix, range: { value: number; low: number; high: number }, lo: Sql, hi: Sql): Sql {
  const { value, low, high } = range;
  switch (prefix) {
    case 'eq':
      // `lo < high` is implied (lo <= hi), and bounds the range on the index of `lo`.
      return sql`${lo} >= ${low} AND ${lo} < ${high} AND ${hi} < ${high}`;
    case 'ne':
      return sql`NOT (${lo} >= ${low} AND ${hi} < ${high})`;
    case 'gt':
    case 'sa':
      return sql`${hi} > ${value}`;
    case 'lt':
    case 'eb':
      return sql`${lo} < ${value}`;
    case 'ge':
      return sql`${hi} >= ${value}`;
    case 'le':
      return sql`${lo} <= ${value}`;
    case 'ap': {
      const margin = Math.abs(value) * 0.1;
      return sql`${lo} <= ${value + margin} AND ${hi} >= ${value - margin}`;
    }
  }
}
