import type { Resource } from '@medplum/fhirtypes';
import type { StoredVersion } from '../../libs/fhir-store/src/storage/store-database';

/** A resource as its first stored version, for specs that fill a `StoreDatabase` directly. */
export const firstVersion = (resource: Resource): StoredVersion => ({
  resourceType: resource.resourceType,
  id: resource.id!,
  version: 1,
  lastUpdated: '2025-01-01T00:00:00.000Z',
  deleted: false,
  resource,
});
