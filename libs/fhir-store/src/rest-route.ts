import { FhirError, assertResourceType, matchFhirPath, type FhirPathMatch } from '@ehr-gateway/fhir';

/** What a request relative to the store's base asks for. */
export type Route =
  | { kind: 'base' }
  | { kind: 'metadata' }
  | { kind: 'system-history'; query: string }
  | { kind: 'type'; resourceType: string; query: string }
  | { kind: 'search-post'; resourceType: string; query: string }
  | { kind: 'type-history'; resourceType: string; query: string }
  | { kind: 'instance'; resourceType: string; id: string }
  | { kind: 'instance-history'; resourceType: string; id: string; query: string }
  | { kind: 'version'; resourceType: string; id: string; versionId: string }
  | { kind: 'compartment'; patient: string; resourceType: string; query: string }
  | { kind: 'everything'; patient: string; query: string };

/** `resourceType` after `assertResourceType` (404 for an unknown type). */
function known(resourceType: string): string {
  assertResourceType(resourceType);
  return resourceType;
}

type Matched = Required<Omit<FhirPathMatch, 'template'>>;

/** The store's reading of each template of the gateway's route table (`FHIR_ROUTES`); the store dispatches on the method. */
const ROUTE_OF: Record<string, (match: Matched) => Route> = {
  '': () => ({ kind: 'base' }),
  metadata: () => ({ kind: 'metadata' }),
  _history: ({ query }) => ({ kind: 'system-history', query }),
  '{type}': ({ resourceType, query }) => ({ kind: 'type', resourceType: known(resourceType), query }),
  '{type}/_search': ({ resourceType, query }) => ({
    kind: 'search-post',
    resourceType: known(resourceType),
    query,
  }),
  '{type}/_history': ({ resourceType, query }) => ({
    kind: 'type-history',
    resourceType: known(resourceType),
    query,
  }),
  '{type}/{id}': ({ resourceType, id }) => ({ kind: 'instance', resourceType: known(resourceType), id }),
  '{type}/{id}/_history': ({ resourceType, id, query }) => ({
    kind: 'instance-history',
    resourceType: known(resourceType),
    id,
    query,
  }),
  '{type}/{id}/_history/{vid}': ({ resourceType, id, versionId }) => ({
    kind: 'version',
    resourceType: known(resourceType),
    id,
    versionId,
  }),
  'Patient/{id}/$everything': ({ id, query }) => ({ kind: 'everything', patient: id, query }),
  'Patient/{id}/*': ({ id, resourceType, query }) => ({ kind: 'compartment', patient: id, resourceType, query }),
  'Patient/{id}/{type}': ({ id, resourceType, query }) => ({
    kind: 'compartment',
    patient: id,
    resourceType: known(resourceType),
    query,
  }),
};

/** Parses a path relative to the base (`Patient/1/_history?_count=5`) with the gateway's one route table. */
export function parseRoute(path: string): Route {
  const { template, resourceType = '', id = '', versionId = '', query = '' } = matchFhirPath(path);
  const route = ROUTE_OF[template];
  if (!route) throw FhirError.badRequest('Unsupported FHIR path');
  return route({ resourceType, id, versionId, query });
}
