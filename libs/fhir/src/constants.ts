export const FHIR_JSON = 'application/fhir+json';
export const FHIR_VERSION = '4.0.1';

/** The defaults of the FHIR module's mounting, shared by the module and the `fhir` config namespace. */
export const FHIR_DEFAULTS = { basePath: 'fhir' } as const;

/** Words under `/fhir/` that name gateway endpoints, so they cannot name a source. */
export const RESERVED_SOURCE_NAMES: readonly string[] = ['metadata', 'status', 'transform', 'aggregate'];
