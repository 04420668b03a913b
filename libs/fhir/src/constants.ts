export const FHIR_JSON = 'application/fhir+json';
export const FHIR_VERSION = '4.0.1';

/** Words under `/fhir/` that name gateway endpoints, so they cannot name a source. */
export const RESERVED_SOURCE_NAMES: readonly string[] = ['metadata', 'status', 'transform', 'aggregate'];
