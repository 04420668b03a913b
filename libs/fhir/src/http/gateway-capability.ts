import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { FHIR_VERSION } from '../constants';

/** The gateway's own CapabilityStatement: its sources and custom handlers. */
export function gatewayCapabilityStatement(
  baseUrl: string,
  sources: string[],
  defaultSource: string,
  transforms: string[],
  aggregates: string[],
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'ehr-gateway' },
    implementation: {
      description: `FHIR gateway over ${sources.length} source(s); each is served at ${baseUrl}/{source}`,
      url: baseUrl,
    },
    fhirVersion: FHIR_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `Sources: ${sources.map((name) => `${name}${name === defaultSource ? ' (default)' : ''} at ${baseUrl}/${name}`).join(', ')}. ` +
          `Transform handlers: ${transforms.join(', ') || 'none'} at ${baseUrl}/transform/{Type}/{id}. ` +
          `Aggregate handlers: ${aggregates.join(', ') || 'none'} at ${baseUrl}/aggregate/{Type}.`,
        resource: [...new Set([...transforms, ...aggregates])].sort().map((type) => ({
          type: type as CapabilityStatementRestResource['type'],
          operation: [
            ...(transforms.includes(type) ? [{ name: 'transform', definition: `${baseUrl}/transform/${type}` }] : []),
            ...(aggregates.includes(type) ? [{ name: 'aggregate', definition: `${baseUrl}/aggregate/${type}` }] : []),
          ],
        })),
      },
    ],
  };
}
