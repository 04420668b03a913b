import { EHREventType, type FhirEventType } from '@ehr-gateway/events';
import type { FhirRequest, HttpMethod } from './interfaces/fhir-backend.interface';

export type FhirInteraction =
  | 'read'
  | 'vread'
  | 'history'
  | 'search'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'transaction'
  | 'batch'
  | 'capabilities';

/** One FHIR REST interaction against a source, independent of how it arrived (HTTP or code). */
export interface FhirOperation {
  interaction: FhirInteraction;
  resourceType?: string;
  id?: string;
  versionId?: string;
  /** Search or history parameters (the condition of a conditional update or delete), URL-encoded, without `?`. */
  query?: string;
  /** A search in the compartment of this patient (`Patient/{compartment}/{resourceType}`). */
  compartment?: string;
  body?: unknown;
  /** Conditional headers passed on: `if-match`, `if-none-exist`, `if-none-match`, `prefer`. */
  headers?: Record<string, string>;
}

export const EVENT_TYPE_OF: Record<
  Exclude<FhirInteraction, 'transaction' | 'batch' | 'capabilities'>,
  FhirEventType
> = {
  read: EHREventType.FHIR_READ,
  vread: EHREventType.FHIR_READ,
  history: EHREventType.FHIR_READ,
  search: EHREventType.FHIR_SEARCH,
  create: EHREventType.FHIR_CREATE,
  update: EHREventType.FHIR_UPDATE,
  patch: EHREventType.FHIR_UPDATE,
  delete: EHREventType.FHIR_DELETE,
};

const withQuery = (path: string, query?: string) => (query ? `${path}?${query}` : path);

/** The REST request that performs an operation. */
export function toFhirRequest(operation: FhirOperation): FhirRequest {
  const { resourceType: type, id, versionId, query, body, headers, compartment } = operation;
  const request = (method: HttpMethod, path: string): FhirRequest => ({ method, path, headers, body });
  switch (operation.interaction) {
    case 'read':
      return request('GET', `${type}/${id}`);
    case 'vread':
      return request('GET', `${type}/${id}/_history/${versionId}`);
    case 'history':
      return request('GET', withQuery([type, id, '_history'].filter(Boolean).join('/'), query));
    case 'search':
      return request('GET', withQuery(compartment ? `Patient/${compartment}/${type}` : (type ?? ''), query));
    case 'create':
      return request('POST', `${type}`);
    case 'update':
      return request('PUT', id === undefined ? withQuery(`${type}`, query) : `${type}/${id}`);
    case 'patch':
      return {
        ...request('PATCH', `${type}/${id}`),
        headers: { ...headers, 'content-type': 'application/json-patch+json' },
      };
    case 'delete':
      return request('DELETE', id === undefined ? withQuery(`${type}`, query) : `${type}/${id}`);
    case 'transaction':
    case 'batch':
      return request('POST', '');
    case 'capabilities':
      return request('GET', 'metadata');
  }
}

/** The interaction a transaction or batch entry performs, from its `request.method` and `request.url`. */
export function entryOperation(method: string, url: string): FhirOperation {
  const [path, query] = url.split('?', 2);
  const [resourceType, id, history, versionId] = path.replace(/^\/+/, '').split('/');
  switch (method.toUpperCase()) {
    case 'GET':
      if (history === '_history')
        return { interaction: versionId ? 'vread' : 'history', resourceType, id, versionId, query };
      return id ? { interaction: 'read', resourceType, id } : { interaction: 'search', resourceType, query };
    case 'POST':
      return { interaction: id === '_search' ? 'search' : 'create', resourceType };
    case 'PUT':
      return { interaction: 'update', resourceType, id };
    case 'PATCH':
      return { interaction: 'patch', resourceType, id };
    default:
      return { interaction: 'delete', resourceType, id };
  }
}
