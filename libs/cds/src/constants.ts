export const CDS_MODULE_OPTIONS_TOKEN = Symbol('ehr-gateway:cds-options');

/** The defaults of `CdsModuleOptions`, shared by the module and the `cds` config namespace. */
export const CDS_DEFAULTS = {
  basePath: 'cds-services',
  prefetchTimeoutMs: 3000,
  feedbackPath: './data/cds-feedback.sqlite',
  jwtMaxLifetimeSeconds: 300,
} as const;
