import { getAllDataTypes, isResourceType } from '@medplum/core';
import { FhirError } from './errors/fhir-error';
import { loadFhirDefinitions } from './definitions';

/** Throws a 404 `FhirError` unless `resourceType` is a FHIR R4 resource type. */
export function assertResourceType(resourceType: string): void {
  loadFhirDefinitions();
  // Never repeated back: a path segment may carry anything, PHI included.
  if (!isResourceType(resourceType)) throw FhirError.notFound('Unknown resource type');
}

/** Every FHIR R4 resource type, sorted. */
export function resourceTypes(): string[] {
  loadFhirDefinitions();
  return Object.values(getAllDataTypes())
    .filter((type) => type.kind === 'resource' && isResourceType(type.name))
    .map((type) => type.name)
    .sort();
}
