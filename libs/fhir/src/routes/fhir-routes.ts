import { FhirError } from '../errors/fhir-error';
import type { FhirInteraction } from '../interaction';
import type { HttpMethod } from '../interfaces/fhir-backend.interface';

/**
 * A FHIR logical id or version id (R4 §2.1.0 "id": 1 to 64 of `A-Z a-z 0-9 - .`), never only dots (`.`, `..`
 * would be path segments); usable inside a path, where it ends at a `/` or at the end.
 */
const FHIR_ID = '(?!\\.+(?:/|$))[A-Za-z0-9\\-.]{1,64}';
export const FHIR_ID_PATTERN = new RegExp(`^${FHIR_ID}$`);

/** A resource type's name as references write it (R4 §2.3.0: a capital, then letters). */
const RESOURCE_TYPE = '[A-Z][A-Za-z]{1,63}';

/** A relative reference `Type/id`, to one of `types` when given. */
export function fhirReferencePattern(types?: readonly string[]): RegExp {
  return new RegExp(`^(${types ? types.join('|') : RESOURCE_TYPE})/${FHIR_ID}$`);
}

/**
 * A literal reference (R4 §2.3.0): `Type/id` or `Type/id/_history/vid`, relative, or absolute after a
 * server's base (what comes before the last `Type/id`: a base URL, or a path in a relative `Location`).
 */
const LITERAL_REFERENCE = new RegExp(`^(?:([^?#]*?)/)?(${RESOURCE_TYPE})/(${FHIR_ID})(?:/_history/(${FHIR_ID}))?$`);

/** The resource a literal reference names. */
export interface FhirReference {
  resourceType: string;
  id: string;
  versionId?: string;
  /** What came before `Type/id` (an absolute reference's base URL, without the last `/`); absent for a relative reference. */
  base?: string;
}

/**
 * The resource `reference` names (a Reference.reference, a `fullUrl`): undefined for anything but a
 * literal reference, such as a contained `#id`, a `urn:uuid:`, a conditional `Type?query`, an invalid id.
 */
export function parseReference(reference: string): FhirReference | undefined {
  const match = LITERAL_REFERENCE.exec(reference);
  if (!match) return undefined;
  const [, base, resourceType, id, versionId] = match;
  return { resourceType, id, ...(versionId !== undefined && { versionId }), ...(base !== undefined && { base }) };
}

/**
 * The resource a URL that locates one names (a `Location` header, a Bundle entry's `request.url` or
 * `fullUrl`): its query string and fragment are no part of the reference. Undefined as `parseReference`.
 */
export function referenceOfUrl(url: string): FhirReference | undefined {
  return url.startsWith('#') ? undefined : parseReference(url.split(/[?#]/, 1)[0]);
}

/** What a route's request body holds. */
export type FhirRouteBody = 'resource' | 'json-patch' | 'search-form' | 'bundle';

/** Request headers a route takes (FHIR R4 §3.1.0: conditional and versioned interactions). */
export type FhirRouteHeader = 'if-match' | 'if-none-match' | 'if-none-exist' | 'prefer';

export interface FhirRoute {
  method: Exclude<HttpMethod, 'HEAD'>;
  /**
   * Relative to a server's base: literals, and `{type}` (a resource type), `{id}`, `{vid}` (ids); `*` stands
   * for every resource type of a compartment (the resource type is then `*`).
   */
  path: string;
  interaction: FhirInteraction;
  summary: string;
  body?: FhirRouteBody;
  headers?: readonly FhirRouteHeader[];
}

/**
 * The FHIR REST interactions (R4 §3.1.0) the gateway serves under
 * `/fhir/{source}/`, the one definition used to parse HTTP paths, bundle entry
 * URLs and store requests, to build requests from operations, to authorize and
 * to document. Order matters when building: the first route of an interaction
 * whose parameters are all given is the canonical one.
 */
export const FHIR_ROUTES: readonly FhirRoute[] = [
  {
    method: 'GET',
    path: 'metadata',
    interaction: 'capabilities',
    summary: "The source's CapabilityStatement",
  },
  {
    method: 'POST',
    path: '',
    interaction: 'transaction',
    summary: 'A transaction or batch Bundle (Bundle.type decides)',
    body: 'bundle',
    headers: ['prefer'],
  },
  {
    method: 'GET',
    path: '{type}',
    interaction: 'search',
    summary: 'Search resources of a type',
  },
  {
    method: 'POST',
    path: '{type}/_search',
    interaction: 'search',
    summary: 'Search with parameters in a form body',
    body: 'search-form',
  },
  {
    method: 'POST',
    path: '{type}',
    interaction: 'create',
    summary: 'Create a resource (conditionally with If-None-Exist)',
    body: 'resource',
    headers: ['if-none-exist', 'prefer'],
  },
  {
    method: 'GET',
    path: '{type}/_history',
    interaction: 'history',
    summary: 'History of every resource of a type',
  },
  {
    method: 'GET',
    path: '_history',
    interaction: 'history',
    summary: 'History of every resource (system history)',
  },
  {
    method: 'PUT',
    path: '{type}',
    interaction: 'update',
    summary: 'Conditional update: the search in the query selects the resource (create when none matches)',
    body: 'resource',
    headers: ['if-match', 'prefer'],
  },
  {
    method: 'DELETE',
    path: '{type}',
    interaction: 'delete',
    summary: 'Conditional delete: every resource the search in the query selects',
  },
  {
    method: 'GET',
    path: 'Patient/{id}/$everything',
    interaction: 'search',
    summary: 'Patient $everything: the patient and its whole compartment, paged',
  },
  {
    method: 'GET',
    path: 'Patient/{id}/*',
    interaction: 'search',
    summary:
      "Search every resource type of a patient's compartment (`_type` names some of them; the patient id is the id parameter)",
  },
  {
    method: 'GET',
    path: 'Patient/{id}/{type}',
    interaction: 'search',
    summary: 'Search in the compartment of a patient (the patient id is the id parameter)',
  },
  {
    method: 'GET',
    path: '{type}/{id}',
    interaction: 'read',
    summary: 'Read a resource',
    headers: ['if-none-match'],
  },
  {
    method: 'PUT',
    path: '{type}/{id}',
    interaction: 'update',
    summary: 'Update (or create) a resource, optionally version-aware with If-Match',
    body: 'resource',
    headers: ['if-match', 'prefer'],
  },
  {
    method: 'PATCH',
    path: '{type}/{id}',
    interaction: 'patch',
    summary: 'Patch a resource with a JSON Patch document',
    body: 'json-patch',
    headers: ['if-match', 'prefer'],
  },
  {
    method: 'DELETE',
    path: '{type}/{id}',
    interaction: 'delete',
    summary: 'Delete a resource',
  },
  {
    method: 'GET',
    path: '{type}/{id}/_history',
    interaction: 'history',
    summary: 'History of a resource',
  },
  {
    method: 'GET',
    path: '{type}/{id}/_history/{vid}',
    interaction: 'vread',
    summary: 'Read one version of a resource',
  },
];

/** A request matched against the table. */
export interface FhirRouteMatch {
  route: FhirRoute;
  interaction: FhirInteraction;
  resourceType?: string;
  id?: string;
  versionId?: string;
  /** The query string, without `?`; absent when empty. */
  query?: string;
}

type Params = Pick<FhirRouteMatch, 'resourceType' | 'id' | 'versionId'>;

/** The resource type of a search over every type of a compartment (`Patient/{id}/*`). */
export const EVERY_COMPARTMENT_TYPE = '*';

const PARAM_OF = {
  '{type}': 'resourceType',
  [EVERY_COMPARTMENT_TYPE]: 'resourceType',
  '{id}': 'id',
  '{vid}': 'versionId',
} as const;
type Placeholder = keyof typeof PARAM_OF;
const isPlaceholder = (segment: string): segment is Placeholder => segment in PARAM_OF;

const templateOf = new Map(FHIR_ROUTES.map((route) => [route, route.path.split('/').filter(Boolean)]));

/** The parameters of `segments` under `template`, or undefined when the shapes differ (ids not checked yet). */
function bind(template: string[], segments: readonly string[]): Params | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Params = {};
  for (const [index, part] of template.entries()) {
    if (part === EVERY_COMPARTMENT_TYPE) {
      if (segments[index] !== EVERY_COMPARTMENT_TYPE) return undefined;
      params.resourceType = EVERY_COMPARTMENT_TYPE;
    } else if (isPlaceholder(part)) {
      // A literal segment (`_search`, `_history`) is never a parameter: `Patient/_history` is type history.
      if (segments[index].startsWith('_') || segments[index] === 'metadata') return undefined;
      params[PARAM_OF[part]] = segments[index];
    } else if (part !== segments[index]) return undefined;
  }
  return params;
}

function checkParams(params: Params): void {
  if (params.id !== undefined && !FHIR_ID_PATTERN.test(params.id))
    throw FhirError.badRequest('The id segment is not a valid FHIR id');
  if (params.versionId !== undefined && !FHIR_ID_PATTERN.test(params.versionId))
    throw FhirError.badRequest('The version id segment is not a valid FHIR id');
}

/** The routes whose template `segments` fit, in table order, with their parameters (ids not checked yet). */
function shapesOf(segments: readonly string[]): { route: FhirRoute; params: Params }[] {
  return FHIR_ROUTES.flatMap((route) => {
    const params = bind(templateOf.get(route)!, segments);
    return params ? [{ route, params }] : [];
  });
}

function segmentsOf(path: string | readonly string[]): [string[], string | undefined] {
  if (typeof path !== 'string') return [path.filter(Boolean), undefined];
  const [pathname, query] = splitQuery(path);
  return [pathname.split('/').filter(Boolean), query || undefined];
}

/**
 * The route of a request: `path` relative to a server's base, with or without
 * a query string (or its segments). HEAD matches as GET. Throws `FhirError`:
 * 400 for a path no route has, 405 for a method the path's routes lack, 400
 * for an invalid id. Whether `{type}` is a known resource type is left to
 * `assertResourceType`, where the operation is performed (so that it fails with its event).
 */
export function matchFhirRoute(method: string, path: string | readonly string[]): FhirRouteMatch {
  const [segments, query] = segmentsOf(path);
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const shaped = shapesOf(segments);
  if (shaped.length === 0) throw FhirError.badRequest(`Unsupported FHIR path '/${shapeOf(segments)}'`);
  const matched = shaped.find(({ route }) => route.method === verb);
  if (!matched) throw new FhirError(405, `${verb} is not supported on /${shapeOf(segments)}`);
  checkParams(matched.params);
  return { route: matched.route, interaction: matched.route.interaction, ...matched.params, query };
}

/** The path's shape for messages: literal segments kept, values replaced by their placeholders. */
function shapeOf(segments: readonly string[]): string {
  return segments
    .map((segment, index) =>
      segment.startsWith('_') || segment === 'metadata' ? segment : index === 0 ? '{type}' : '{id}',
    )
    .join('/');
}

function splitQuery(path: string): [string, string | undefined] {
  const index = path.indexOf('?');
  return index < 0 ? [path, undefined] : [path.slice(0, index), path.slice(index + 1)];
}

/** The path (relative to a server's base, with the query) that performs `interaction` with these parameters. */
export function fhirRoutePath(
  interaction: FhirInteraction,
  params: Params & { query?: string },
): {
  method: FhirRoute['method'];
  path: string;
} {
  // `*` is given by the resource type `*`, `{type}` by any other.
  const given = (Object.keys(PARAM_OF) as Placeholder[]).filter(
    (placeholder) =>
      params[PARAM_OF[placeholder]] &&
      (PARAM_OF[placeholder] !== 'resourceType' ||
        (placeholder === EVERY_COMPARTMENT_TYPE) === (params.resourceType === EVERY_COMPARTMENT_TYPE)),
  );
  const route = FHIR_ROUTES.find((candidate) => {
    if (candidate.interaction !== interaction) return false;
    const placeholders = templateOf.get(candidate)!.filter(isPlaceholder);
    return placeholders.length === given.length && placeholders.every((placeholder) => given.includes(placeholder));
  });
  if (!route)
    throw FhirError.badRequest(`No FHIR route performs ${interaction} with ${given.join(', ') || 'no parameters'}`);
  const path = templateOf
    .get(route)!
    .map((part) => (isPlaceholder(part) ? params[PARAM_OF[part]]! : part))
    .join('/');
  return { method: route.method, path: params.query ? `${path}?${params.query}` : path };
}
