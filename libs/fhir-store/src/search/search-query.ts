import { FHIR_ID_PATTERN, FhirError, resourceTypes } from '@ehr-gateway/fhir';
import { ParamDef, searchParams } from '../indexing/search-parameters';
import { EVERY_TYPE_PARAMETERS_OF } from './every-type';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
/** More sort keys than this are refused: each key is a correlated lookup per matching resource. */
export const MAX_SORT_KEYS = 4;
/** Chains deeper than this (and `_has` nested deeper) are refused. */
export const MAX_CHAIN_DEPTH = 4;
const MAX_PARAMETERS = 50;
/** Comma-separated values (alternatives) of one parameter, at most: each is a term of the compiled SQL. */
export const MAX_ALTERNATIVES = 100;

export type FilterExpr =
  | { kind: 'param'; name: string; param: ParamDef; modifier?: string; values: string[] }
  | { kind: 'id'; name: string; resourceType: string; values: string[]; not?: boolean }
  | { kind: 'list'; name: string; resourceType: string; listIds: string[] }
  | { kind: 'text'; name: string; resourceType: string; field: FullTextField; values: string[] }
  | { kind: 'chain'; name: string; param: ParamDef; links: { type: string; next: FilterExpr }[] }
  | { kind: 'has'; name: string; targetType: string; sourceType: string; param: ParamDef; next: FilterExpr };

/** What `_text` (the narrative) and `_content` (the whole resource) search: columns of the full-text table. */
export type FullTextField = 'narrative' | 'content';
const FULL_TEXT_PARAMS = new Map<string, FullTextField>([
  ['_text', 'narrative'],
  ['_content', 'content'],
]);

export interface SortKey {
  code: string;
  descending: boolean;
  param?: ParamDef;
}

export interface IncludeRequest {
  /** The type whose references are followed (`_include`) or that references (`_revinclude`). */
  sourceType: string;
  /** Reference parameters; every reference parameter of `sourceType` for `*`. */
  params: ParamDef[];
  targetType?: string;
  iterate: boolean;
}

export type Summary = 'true' | 'text' | 'data' | 'count' | 'false';
export type Total = 'none' | 'estimate' | 'accurate';

export interface SearchQuery {
  resourceType: string;
  filters: FilterExpr[];
  sort: SortKey[];
  count: number;
  offset: number;
  /** Keyset paging in the default order: the page starts after this row (`_cursor`, handed out in `next` links). */
  after?: number;
  total?: Total;
  summary?: Summary;
  elements?: string[];
  include: IncludeRequest[];
  revinclude: IncludeRequest[];
  /** Parameters ignored under `Prefer: handling=lenient` (names only). */
  ignored: string[];
  /** The parameters the search was answered with, for its links (ignored ones left out). */
  used: [string, string][];
  /** A search of every type (`*`, a patient's compartment): the types `_type` names (repeated: those all name). */
  types?: string[];
}

/** Parameters that shape the result rather than select resources. */
export const RESULT_PARAMETERS = new Set([
  '_count',
  '_offset',
  '_cursor',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
]);

export const invalid = (name: string, problem = 'has an invalid value') =>
  FhirError.badRequest(`Search parameter '${safeName(name)}' ${problem}`);

/** A parameter name as it may be echoed: names are defined by the spec; anything else is cut short. */
export function safeName(name: string): string {
  return /^[A-Za-z0-9_:.\-$]{1,80}$/.test(name) ? name : '(unrecognised name)';
}

/** Splits on a separator not escaped with `\` (R4 3.1.1.5.7), unescaping the parts. */
export function splitEscaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\' && i + 1 < value.length) current += value[++i];
    else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** Splits a comma-separated OR list, keeping other escapes for the value parser. */
export function splitOr(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '\\' && value[i + 1] === ',') {
      current += ',';
      i++;
    } else if (value[i] === ',') {
      parts.push(current);
      current = '';
    } else current += value[i];
  }
  parts.push(current);
  return parts;
}

/** A parameter's alternatives (`splitOr`), refused past `MAX_ALTERNATIVES`. */
function alternatives(name: string, value: string): string[] {
  const values = splitOr(value);
  if (values.length > MAX_ALTERNATIVES) throw invalid(name, `takes at most ${MAX_ALTERNATIVES} comma-separated values`);
  return values;
}

function isResourceType(type: string): boolean {
  return resourceTypes().includes(type);
}

/**
 * Parses a search's parameters, refusing malformed ones with a 400 that names
 * the parameter (never its value). Unknown parameters are refused under
 * `strict` handling and listed in `ignored` under `lenient`.
 */
export function parseSearchQuery(resourceType: string, query: URLSearchParams, lenient: boolean): SearchQuery {
  const entries = [...query.entries()];
  if (entries.length > MAX_PARAMETERS)
    throw FhirError.badRequest(`A search takes at most ${MAX_PARAMETERS} parameters`);
  const search: SearchQuery = {
    resourceType,
    filters: [],
    sort: [],
    count: DEFAULT_COUNT,
    offset: 0,
    include: [],
    revinclude: [],
    ignored: [],
    used: [],
  };
  for (const [name, value] of entries) {
    const base = name.split(':')[0];
    try {
      if (name === '_type' && resourceType === '*') typeParameter(search, name, value);
      else if (RESULT_PARAMETERS.has(base)) resultParameter(search, name, value);
      else
        search.filters.push(
          parseFilter(resourceType === '*' ? EVERY_TYPE_PARAMETERS_OF : resourceType, name, value, 0),
        );
      search.used.push([name, value]);
    } catch (error) {
      if (!(error instanceof UnknownParameter) || !lenient) {
        if (error instanceof UnknownParameter) throw FhirError.badRequest(error.message);
        throw error;
      }
      search.ignored.push(safeName(name));
    }
  }
  return search;
}

class UnknownParameter extends Error {}

const unknown = (name: string, resourceType: string) =>
  new UnknownParameter(`Unknown search parameter '${safeName(name)}' for ${resourceType}`);

function wholeNumber(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw invalid(name, 'must be a whole number');
  return Number(value);
}

function resultParameter(search: SearchQuery, name: string, value: string): void {
  const [base, modifier] = name.split(':', 2);
  if (modifier !== undefined && !((base === '_include' || base === '_revinclude') && modifier === 'iterate')) {
    throw invalid(name, 'takes no modifier');
  }
  switch (base) {
    case '_count':
      search.count = Math.min(wholeNumber(name, value), MAX_COUNT);
      return;
    case '_offset':
      search.offset = wholeNumber(name, value);
      return;
    case '_cursor':
      search.after = wholeNumber(name, value);
      return;
    case '_total':
      if (value !== 'none' && value !== 'estimate' && value !== 'accurate') throw invalid(name);
      search.total = value;
      return;
    case '_summary':
      if (!['true', 'text', 'data', 'count', 'false'].includes(value)) throw invalid(name);
      search.summary = value as Summary;
      return;
    case '_elements':
      search.elements = value.split(',').map((element) => element.trim());
      if (search.elements.some((element) => !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(element))) throw invalid(name);
      return;
    case '_sort':
      search.sort = parseSort(search.resourceType, name, value);
      return;
    case '_include':
    case '_revinclude':
      (base === '_include' ? search.include : search.revinclude).push(
        parseInclude(search.resourceType, name, value, base === '_revinclude', modifier === 'iterate'),
      );
      return;
    default:
      return; // _format and _pretty are answered by the HTTP layer
  }
}

/** `_type` of a search of every type: resource types, comma-separated. */
function typeParameter(search: SearchQuery, name: string, value: string): void {
  const types = value.split(',');
  if (types.some((type) => !isResourceType(type))) throw invalid(name, 'must list resource types');
  search.types = search.types ? search.types.filter((type) => types.includes(type)) : types;
}

function parseSort(resourceType: string, name: string, value: string): SortKey[] {
  const keys = value.split(',').filter(Boolean);
  if (keys.length === 0) throw invalid(name);
  if (keys.length > MAX_SORT_KEYS) throw invalid(name, `takes at most ${MAX_SORT_KEYS} keys`);
  return keys.map((key) => {
    const descending = key.startsWith('-');
    const code = descending ? key.slice(1) : key;
    if (code === '_id') return { code, descending };
    const param = searchParams(resourceType).get(code);
    if (!param || param.type === 'composite') throw invalid(name, `cannot sort by '${safeName(code)}'`);
    return { code, descending, param };
  });
}

function parseInclude(
  resourceType: string,
  name: string,
  value: string,
  reverse: boolean,
  iterate: boolean,
): IncludeRequest {
  const [sourceType, code, targetType, ...rest] = value.split(':');
  if (value === '*' && !reverse) return { sourceType: resourceType, params: referenceParams(resourceType), iterate };
  if (value === '*' && reverse) return { sourceType: '*', params: [], targetType: resourceType, iterate };
  if (rest.length > 0 || !sourceType || !code || !isResourceType(sourceType)) throw invalid(name);
  if (targetType !== undefined && !isResourceType(targetType)) throw invalid(name);
  if (code === '*') return { sourceType, params: referenceParams(sourceType), targetType, iterate };
  const param = searchParams(sourceType).get(code);
  if (!param || param.type !== 'reference') throw invalid(name, 'must name a reference parameter');
  if (targetType && !param.targets.includes(targetType))
    throw invalid(name, 'names a type the parameter cannot target');
  return { sourceType, params: [param], targetType, iterate };
}

function referenceParams(resourceType: string): ParamDef[] {
  return [...searchParams(resourceType).values()].filter((param) => param.type === 'reference');
}

/** `_id` is matched on the resource row itself: equality, or `:not`. */
export const ID_MODIFIERS = ['not'];

/** One filter: `code[:modifier]=values`, a chain `ref[:Type].code...`, `_has:Type:ref:...` or `_id`. */
export function parseFilter(resourceType: string, name: string, value: string, depth: number): FilterExpr {
  if (depth > MAX_CHAIN_DEPTH) throw invalid(name, `chains at most ${MAX_CHAIN_DEPTH} levels deep`);
  if (name.startsWith('_has:')) return parseHas(resourceType, name, value, depth);
  const dot = name.indexOf('.');
  if (dot >= 0) return parseChain(resourceType, name, dot, value, depth);
  const [code, modifier, ...extra] = name.split(':');
  if (extra.length > 0) throw invalid(name, 'has more than one modifier');
  if (code === '_id') {
    if (modifier !== undefined && !ID_MODIFIERS.includes(modifier))
      throw invalid(name, 'has a modifier not allowed for its type');
    return { kind: 'id', name, resourceType, values: alternatives(name, value), not: modifier === 'not' };
  }
  if (code === '_list') return parseList(resourceType, name, modifier, value);
  const field = FULL_TEXT_PARAMS.get(code);
  if (field) {
    if (modifier !== undefined) throw invalid(name, 'takes no modifier');
    return { kind: 'text', name, resourceType, field, values: alternatives(name, value) };
  }
  const param = searchParams(resourceType).get(code);
  if (!param) throw unknown(name, resourceType);
  return { kind: 'param', name, param, modifier, values: alternatives(name, value) };
}

/**
 * `_list` (R4 3.1.1.5.x, type string): the resources a List's entries reference,
 * the List named by its id or `List/id`. Functional lists (`$current-problems`...)
 * are not kept by this server: 400.
 */
function parseList(resourceType: string, name: string, modifier: string | undefined, value: string): FilterExpr {
  if (modifier !== undefined) throw invalid(name, 'takes no modifier');
  const listIds = alternatives(name, value).map((item) => {
    const listId = item.startsWith('List/') ? item.slice('List/'.length) : item;
    if (!FHIR_ID_PATTERN.test(listId))
      throw invalid(
        name,
        item.startsWith('$') ? 'names a functional list this server does not keep' : 'must name a List by its id',
      );
    return listId;
  });
  return { kind: 'list', name, resourceType, listIds };
}

function parseChain(resourceType: string, name: string, dot: number, value: string, depth: number): FilterExpr {
  const head = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const [code, typeModifier, ...extra] = head.split(':');
  const param = searchParams(resourceType).get(code);
  if (!param) throw unknown(name, resourceType);
  if (param.type !== 'reference' || extra.length > 0)
    throw invalid(name, 'chains through a parameter that is not a reference');
  if (typeModifier !== undefined && !param.targets.includes(typeModifier))
    throw invalid(name, 'names a type the reference cannot target');
  const candidates = typeModifier ? [typeModifier] : param.targets;
  const nextCode = rest.split(/[.:]/)[0];
  const links = candidates
    .filter(
      (type) =>
        nextCode === '_id' || nextCode === '_has' || FULL_TEXT_PARAMS.has(nextCode) || searchParams(type).has(nextCode),
    )
    .map((type) => ({ type, next: parseFilter(type, rest, value, depth + 1) }));
  if (links.length === 0) throw unknown(name, resourceType);
  return { kind: 'chain', name, param, links };
}

function parseHas(resourceType: string, name: string, value: string, depth: number): FilterExpr {
  const [, sourceType, code, ...rest] = name.split(':');
  if (!sourceType || !code || rest.length === 0 || !isResourceType(sourceType))
    throw invalid(name, 'is not of the form _has:Type:reference:parameter');
  const param = searchParams(sourceType).get(code);
  if (!param || param.type !== 'reference') throw invalid(name, 'must name a reference parameter of its type');
  if (param.targets.length > 0 && !param.targets.includes(resourceType))
    throw invalid(name, `names a reference that cannot target ${resourceType}`);
  return {
    kind: 'has',
    name,
    targetType: resourceType,
    sourceType,
    param,
    next: parseFilter(sourceType, rest.join(':'), value, depth + 1),
  };
}
