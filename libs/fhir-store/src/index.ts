export { FhirStore, type FhirStoreOptions } from './fhir-store';
export { FhirStoreModule, InjectFhirStoreOptions, type FhirStoreModuleOptions } from './fhir-store.module';
export { syntheticPatientBundles, type SyntheticOptions } from './synthetic/synthetic-patients';
export { fhirStoreConfig } from './fhir-store.config';
