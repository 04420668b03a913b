export const CDS_SERVICE_METADATA = Symbol('ehr-gateway:cds-service');
export const CDS_MODULE_OPTIONS_TOKEN = Symbol('ehr-gateway:cds-options');
