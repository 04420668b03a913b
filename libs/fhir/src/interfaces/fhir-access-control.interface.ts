import type { FhirOperation } from '../interaction';
import type { FhirResponse } from './fhir-backend.interface';

/** Reads a resource from the operation's own source, without an event or an access check (for the access check itself). */
export type ResourceLookup = (resourceType: string, id: string) => Promise<unknown>;

/** What an access check allows: the operation to perform (a search may come back narrowed) and a check of its answer. */
export interface FhirAccessGrant {
  operation: FhirOperation;
  /** Checks what the source answered (resources outside the caller's reach are removed or refused). */
  checkResponse(response: FhirResponse): Promise<FhirResponse>;
}

/**
 * Inbound authorization of FHIR operations: called by `FhirGateway` for every
 * operation, with the source's name; throws a `FhirError` (401, 403) to refuse.
 * Operations the gateway's own code starts (no inbound credentials) are the
 * implementation's to allow.
 */
export interface FhirAccessControl {
  authorize(source: string, operation: FhirOperation, lookup: ResourceLookup): Promise<FhirAccessGrant>;
}
