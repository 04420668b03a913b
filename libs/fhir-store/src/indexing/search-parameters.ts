import { FhirPathAtom, getSearchParameters, parseFhirPath } from '@medplum/core';
import { loadFhirDefinitions } from '@ehr-gateway/fhir';
import type { SearchParameter } from '@medplum/fhirtypes';

/** Parameter types the engine indexes and searches. `special` (Location `near`) is not supported. */
export const INDEXED_TYPES = [
  'string',
  'token',
  'date',
  'number',
  'quantity',
  'reference',
  'uri',
  'composite',
] as const;
export type IndexedType = (typeof INDEXED_TYPES)[number];

export interface ParamDef {
  resourceType: string;
  code: string;
  type: IndexedType;
  expression: FhirPathAtom;
  /**
   * Property paths (at most two steps) one of which a resource must have for the
   * expression to yield anything; undefined when the expression is not a plain path.
   * Indexing skips the evaluation otherwise: most parameters of a type do not apply to a given resource.
   */
  requires?: string[][];
  /** Target resource types of a reference parameter. */
  targets: string[];
  /** For a composite: its components, each a parameter evaluated on one composite value. */
  components?: { type: Exclude<IndexedType, 'composite'>; expression: FhirPathAtom }[];
  definition: SearchParameter;
}

const catalogs = new Map<string, Map<string, ParamDef>>();

/** The search parameters of a resource type that the engine indexes, by code (parsed once per process). */
export function searchParams(resourceType: string): Map<string, ParamDef> {
  let catalog = catalogs.get(resourceType);
  if (catalog) return catalog;
  loadFhirDefinitions();
  catalog = new Map();
  const all = getSearchParameters(resourceType) ?? {};
  const byUrl = new Map(Object.values(all).map((param) => [param.url, param]));
  for (const [code, param] of Object.entries(all)) {
    const def = toParamDef(resourceType, code, param, byUrl);
    if (def) catalog.set(code, def);
  }
  catalogs.set(resourceType, catalog);
  return catalog;
}

function toParamDef(
  resourceType: string,
  code: string,
  param: SearchParameter,
  byUrl: Map<string | undefined, SearchParameter>,
): ParamDef | undefined {
  const type = param.type as IndexedType;
  if (!param.expression || !(INDEXED_TYPES as readonly string[]).includes(type)) return undefined;
  const expression = parseFhirPath(param.expression);
  const def: ParamDef = {
    resourceType,
    code,
    type,
    expression,
    requires: requiredPaths((expression as unknown as { child: Atom }).child, resourceType),
    targets: param.target ?? [],
    definition: param,
  };
  if (type !== 'composite') return def;
  const components = (param.component ?? []).map((component) => {
    const target = byUrl.get(component.definition);
    return target?.type && target.type !== 'composite' && (INDEXED_TYPES as readonly string[]).includes(target.type)
      ? { type: target.type as Exclude<IndexedType, 'composite'>, expression: parseFhirPath(component.expression) }
      : undefined;
  });
  if (components.length < 2 || components.some((component) => !component)) return undefined;
  return { ...def, components: components as NonNullable<(typeof components)[number]>[] };
}

/** The shape of Medplum's parsed FHIRPath nodes that `requiredPaths` reads. */
interface Atom {
  operator?: string;
  left?: Atom;
  right?: Atom;
  name?: string;
  args?: unknown[];
}

const isSymbol = (atom: Atom | undefined): atom is Atom & { name: string } =>
  !!atom && typeof atom.name === 'string' && atom.args === undefined && atom.operator === undefined;

/** The leading property names of a `.` chain, and whether the chain is made of names only. */
function symbolChain(atom: Atom): { names: string[]; complete: boolean } {
  if (isSymbol(atom)) return { names: [atom.name], complete: true };
  if (atom.operator !== '.' || !atom.left) return { names: [], complete: false };
  const left = symbolChain(atom.left);
  if (!left.complete) return left;
  return isSymbol(atom.right)
    ? { names: [...left.names, atom.right.name], complete: true }
    : { ...left, complete: false };
}

function requiredPaths(atom: Atom, resourceType: string): string[][] | undefined {
  if (atom.operator === '|' && atom.left && atom.right) {
    const left = requiredPaths(atom.left, resourceType);
    const right = requiredPaths(atom.right, resourceType);
    return left && right ? [...left, ...right] : undefined;
  }
  const { names } = symbolChain(atom);
  return names[0] === resourceType && names.length >= 2 ? [names.slice(1, 3)] : undefined;
}
