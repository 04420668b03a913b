import type { FhirOperation } from '@ehr-gateway/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { applyPatch, type Operation } from 'fast-json-patch';

/**
 * The resource a JSON Patch (RFC 6902) would store, applied by `fast-json-patch`
 * to a copy, so that the result is checked before the source writes it. A body
 * that is no JSON Patch array (a FHIRPath Parameters patch, a Binary in a
 * Bundle) cannot be checked: its problem, in words that quote nothing submitted.
 */
export function patchedResource(existing: Resource, body: unknown): { resource: Resource } | { problem: string } {
  if (!Array.isArray(body)) return { problem: 'only a JSON Patch array can be checked before it is applied' };
  try {
    const { newDocument } = applyPatch(structuredClone(existing), body as Operation[], true, true, true);
    return { resource: newDocument };
  } catch {
    return { problem: 'the JSON Patch cannot be applied to the stored resource to check its result' };
  }
}

/** The operation made conditional on the version that was checked, so that no other version is changed instead. */
export function pinnedTo(operation: FhirOperation, existing: Resource): FhirOperation {
  const versionId = existing.meta?.versionId;
  if (!versionId || operation.headers?.['if-match']) return operation;
  return { ...operation, headers: { ...operation.headers, 'if-match': `W/"${versionId}"` } };
}
