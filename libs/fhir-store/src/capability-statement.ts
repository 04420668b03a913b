import { getSearchParameters } from '@medplum/core';
import { FHIR_VERSION, loadFhirDefinitions, resourceTypes } from '@ehr-gateway/fhir';
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';

let statement: CapabilityStatement | undefined;

/** The store's CapabilityStatement: every R4 resource type, its interactions and search parameters. */
export function buildCapabilityStatement(): CapabilityStatement {
  if (statement) return statement;
  loadFhirDefinitions();
  const resource: CapabilityStatementRestResource[] = resourceTypes().map((type) => ({
    type: type as CapabilityStatementRestResource['type'],
    versioning: 'versioned',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    interaction: [
      'read',
      'vread',
      'update',
      'patch',
      'delete',
      'history-instance',
      'history-type',
      'create',
      'search-type',
    ].map((code) => ({ code: code as never })),
    searchParam: Object.values(getSearchParameters(type) ?? {}).map((param) => ({
      name: param.code ?? '',
      type: param.type,
      definition: param.url,
    })),
  }));
  statement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'ehr-gateway embedded FHIR store' },
    implementation: { description: 'Embedded FHIR R4 store (SQLite)' },
    fhirVersion: FHIR_VERSION as never,
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
  return statement;
}
