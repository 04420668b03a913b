import { EHREventType, type FhirEventType } from '@ehr-gateway/events';
import { FhirError } from './errors/fhir-error';
import type { FhirRequest } from './interfaces/fhir-backend.interface';
import { EVERY_COMPARTMENT_TYPE, fhirRoutePath, matchFhirRoute } from './routes/fhir-routes';

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
  /** The resource type; for a search of a patient's compartment, `*` stands for every type of it (`Patient/{id}/*`). */
  resourceType?: string;
  /** The resource's id; for a `search`, the patient whose compartment is searched (`Patient/{id}/{resourceType}`). */
  id?: string;
  versionId?: string;
  /** Search or history parameters (the condition of a conditional update or delete), URL-encoded, without `?`. */
  query?: string;
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

/** Whether an operation searches every resource type of a patient's compartment (`Patient/{id}/*`). */
export function searchesWholeCompartment(operation: FhirOperation): boolean {
  return (
    operation.interaction === 'search' &&
    operation.resourceType === EVERY_COMPARTMENT_TYPE &&
    operation.id !== undefined
  );
}

/** The parameters a read takes (R4 3.1.1.5.8-9): `_summary` and `_elements`; absent when none. */
function readParameters(query: string | undefined): string | undefined {
  if (query === undefined) return undefined;
  const params = new URLSearchParams(query);
  const kept = new URLSearchParams([...params].filter(([name]) => name === '_summary' || name === '_elements'));
  return kept.toString() || undefined;
}

/** The REST request that performs an operation. */
export function toFhirRequest(operation: FhirOperation): FhirRequest {
  const { interaction, resourceType, id, versionId, query, body, headers } = operation;
  // One route serves both Bundle interactions; the Bundle's type tells them apart.
  const { method, path } = fhirRoutePath(interaction === 'batch' ? 'transaction' : interaction, {
    resourceType,
    id,
    versionId,
    // Conditional update and delete name their target by a search in the query.
    query:
      interaction === 'search' ||
      interaction === 'history' ||
      (id === undefined && ['update', 'delete'].includes(interaction))
        ? query
        : interaction === 'read' || interaction === 'vread'
          ? readParameters(query)
          : undefined,
  });
  const request: FhirRequest = { method, path, headers, body };
  return interaction === 'patch'
    ? { ...request, headers: { ...headers, 'content-type': 'application/json-patch+json' } }
    : request;
}

/** The interaction a transaction or batch entry performs, from its `request.method` and `request.url`; undefined when no route has it. */
export function entryOperation(method: string, url: string): FhirOperation | undefined {
  try {
    const { interaction, resourceType, id, versionId, query } = matchFhirRoute(method, url.replace(/^\/+/, ''));
    return { interaction, resourceType, id, versionId, query };
  } catch (error) {
    if (error instanceof FhirError) return undefined;
    throw error;
  }
}
