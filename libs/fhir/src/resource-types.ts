import { getAllDataTypes, isResourceType } from '@medplum/core';
import { FhirError } from './errors/fhir-error';
import { loadFhirDefinitions } from './definitions';

/** Throws a 404 `FhirError` unless `resourceType` is a FHIR R4 resource type. */
export function assertResourceType(resourceType: string): void {
  loadFhirDefinitions();
  if (!isResourceType(resourceType)) throw FhirError.notFound(`Unknown resource type '${resourceType}'`);
}

/** Every FHIR R4 resource type, sorted. */
export function resourceTypes(): string[] {
  loadFhirDefinitions();
  return Object.values(getAllDataTypes())
    .filter((type) => type.kind === 'resource' && isResourceType(type.name))
    .map((type) => type.name)
    .sort();
}
