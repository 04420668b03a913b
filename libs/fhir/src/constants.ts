export const FHIR_JSON = 'application/fhir+json';
export const FHIR_VERSION = '4.0.1';

/** The defaults of the FHIR module's mounting, shared by the module and the `fhir` config namespace. */
export const FHIR_DEFAULTS = { basePath: 'fhir' } as const;

/** The source events, metrics and logs name for an operation on a source name that is not configured. */
export const UNKNOWN_SOURCE = 'unknown';

/** Words under `/fhir/` that name gateway endpoints (or stand for an unknown source), so they cannot name a source. */
export const RESERVED_SOURCE_NAMES: readonly string[] = [
  'metadata',
  'status',
  'transform',
  'aggregate',
  UNKNOWN_SOURCE,
];
