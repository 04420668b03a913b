import { searchParams } from '../indexing/search-parameters';
import type { CompiledFilter, FilterCompiler } from './compile-filter';
import type { FilterExpr } from './search-query';
import { join, raw, sql } from './sql';

/**
 * A search of every type (`Patient/{id}/*`, `$everything`) takes the parameters every type has: those of
 * `Resource` (`_id`, `_lastUpdated`, `_tag`, `_profile`, `_security`, `_source`). They are parsed as
 * `Resource`'s and indexed under each type's own parameter.
 */
export const EVERY_TYPE_PARAMETERS_OF = 'Resource';

/** The filter, parsed as `Resource`'s, for one type. */
function forType(filter: FilterExpr, resourceType: string): FilterExpr {
  switch (filter.kind) {
    case 'param':
      return { ...filter, param: searchParams(resourceType).get(filter.param.code)! };
    case 'id':
    case 'list':
      return { ...filter, resourceType };
    default:
      return filter;
  }
}

/** A filter of a search of every type: each row is probed with its own type's compiled filter. */
export function compileForEveryType(
  compiler: FilterCompiler,
  filter: FilterExpr,
  types: readonly string[],
): CompiledFilter {
  const branches = types.map((type) => ({ type, compiled: compiler.compile(forType(filter, type)) }));
  return {
    probe: (alias) =>
      branches.length === 0
        ? sql`0`
        : sql`CASE ${raw(alias)}.type ${join(
            branches.map(({ type, compiled }) => sql`WHEN ${type} THEN ${compiled.probe(alias)}`),
            ' ',
          )} ELSE 0 END`,
  };
}
