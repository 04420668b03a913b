import { FhirError, assertResourceType, matchFhirRoute } from '@ehr-gateway/fhir';

/**
 * What a request to the store asks for: the interaction the gateway's route
 * table (`matchFhirRoute`) finds for its method and path, with what the store
 * needs of it. The table decides every interaction and every 405.
 */
export type Route =
  /** A Bundle POSTed to the base; its `type` tells a transaction from a batch. */
  | { kind: 'transaction' }
  | { kind: 'capabilities' }
  /** System, type or instance history (`resourceType`, `id` as given). */
  | { kind: 'history'; resourceType?: string; id?: string; query: string }
  /** A type's search, by GET/HEAD or by `_search` POST (`form`); in a patient's compartment when `patient` is set. */
  | { kind: 'search'; resourceType: string; query: string; form: boolean; patient?: string }
  | { kind: 'everything'; patient: string; query: string }
  | { kind: 'read'; resourceType: string; id: string }
  | { kind: 'vread'; resourceType: string; id: string; versionId: string }
  | { kind: 'create'; resourceType: string }
  /** Without an id, a conditional update: the query selects the resource. */
  | { kind: 'update'; resourceType: string; id?: string; query: string }
  | { kind: 'patch'; resourceType: string; id: string }
  /** Without an id, a conditional delete: the query selects the resources. */
  | { kind: 'delete'; resourceType: string; id?: string; query: string };

/** `resourceType` after `assertResourceType` (404 for an unknown type). */
function known(resourceType: string | undefined): string {
  assertResourceType(resourceType ?? '');
  return resourceType!;
}

/** Reads a request relative to the store's base (`GET Patient/1/_history?_count=5`) with the gateway's route table. */
export function parseRoute(method: string, path: string): Route {
  const { route, interaction, resourceType, id, versionId, query = '' } = matchFhirRoute(method, path);
  switch (interaction) {
    case 'capabilities':
      return { kind: 'capabilities' };
    case 'transaction':
      return { kind: 'transaction' };
    case 'history':
      return { kind: 'history', resourceType: resourceType && known(resourceType), id, query };
    case 'search':
      // The one search route without a type is the patient's whole record (`Patient/{id}/$everything`).
      if (resourceType === undefined) return { kind: 'everything', patient: id!, query };
      return {
        kind: 'search',
        // `*` (every type of the compartment, `Patient/{id}/*`) is no resource type, and known to the search.
        resourceType: id !== undefined && resourceType === '*' ? resourceType : known(resourceType),
        query,
        form: route.body === 'search-form',
        ...(id !== undefined && { patient: id }),
      };
    case 'read':
      return { kind: 'read', resourceType: known(resourceType), id: id! };
    case 'vread':
      return { kind: 'vread', resourceType: known(resourceType), id: id!, versionId: versionId! };
    case 'create':
      return { kind: 'create', resourceType: known(resourceType) };
    case 'update':
      return { kind: 'update', resourceType: known(resourceType), id, query };
    case 'patch':
      return { kind: 'patch', resourceType: known(resourceType), id: id! };
    case 'delete':
      return { kind: 'delete', resourceType: known(resourceType), id, query };
    default:
      throw FhirError.badRequest(`The store does not perform ${interaction} by this path`);
  }
}
