/** SMART v2 permissions: create, read, update, delete, search. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'patient' | 'user' | 'system';

/** One clinical-data scope a token grants, in SMART v2 terms whatever form it came in. */
export interface ClinicalScope {
  context: ScopeContext;
  /** A resource type, or `*` for all. */
  resourceType: string;
  permissions: ReadonlySet<Permission>;
  /** A v2 query restriction (`?category=laboratory`): resources must also match it. */
  restriction?: URLSearchParams;
  /** The scope as the token carried it. */
  text: string;
}

const PERMISSION_ORDER = 'cruds';
const V2 = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.([cruds]{1,5})(?:\?(.+))?$/;
const V1 = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{1,63})\.(read|write|\*)$/;
/** SMART v1 to v2, as the specification maps them. */
const V1_PERMISSIONS: Record<string, string> = { read: 'rs', write: 'cud', '*': 'cruds' };

/** `cruds` letters in the specification's order, each once (`rs`, `cud`; not `sr` or `rr`). */
function isOrderedSubset(letters: string): boolean {
  let position = -1;
  for (const letter of letters) {
    const next = PERMISSION_ORDER.indexOf(letter);
    if (next <= position) return false;
    position = next;
  }
  return true;
}

/**
 * A clinical-data scope in SMART v2 (`patient/Observation.rs?category=laboratory`)
 * or v1 (`user/*.read`) form; `undefined` for anything else (`openid`, `launch`,
 * `fhirUser`, malformed scopes), which grants no data access.
 */
export function parseScope(text: string): ClinicalScope | undefined {
  const v2 = V2.exec(text);
  if (v2) {
    const [, context, resourceType, letters, query] = v2;
    if (!isOrderedSubset(letters)) return undefined;
    return {
      context: context as ScopeContext,
      resourceType,
      permissions: new Set(letters as Iterable<Permission>),
      restriction: query ? new URLSearchParams(query) : undefined,
      text,
    };
  }
  const v1 = V1.exec(text);
  if (!v1) return undefined;
  const [, context, resourceType, access] = v1;
  return {
    context: context as ScopeContext,
    resourceType,
    permissions: new Set(V1_PERMISSIONS[access] as Iterable<Permission>),
    text,
  };
}

/** The clinical-data scopes of a space-separated `scope` string. */
export function parseScopes(scope: string): ClinicalScope[] {
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .map(parseScope)
    .filter((parsed): parsed is ClinicalScope => parsed !== undefined);
}
