export { FHIR_JSON, FHIR_VERSION, RESERVED_SOURCE_NAMES, UNKNOWN_SOURCE } from './constants';
export { FhirError } from './errors/fhir-error';
export { isOperationOutcome, operationOutcome } from './errors/operation-outcome';
export { loadFhirDefinitions, validateFhirResource } from './definitions';
export { assertResourceType, resourceTypes } from './resource-types';
export { FhirGateway, type SearchParams, type SourceOption } from './fhir-gateway.service';
export { FhirModule } from './fhir.module';
export { InjectFhirOptions, type FhirModuleExtras } from './fhir.module-definition';
export { FhirSources } from './sources/fhir-sources';
export { UpstreamFhirBackend } from './client/upstream-backend';
export { LargeBodySlots } from './client/large-body-slots';
export {
  resolveSource,
  SourceConfigError,
  type SourceAuth,
  type SourceConfig,
  type SourceDefinition,
} from './sources/source-definition';
export { FhirAggregate, FhirTransform } from './handlers/fhir-handler.decorators';
export { FhirExceptionFilter, bodyParserOutcome, bodyParserProblem } from './http/fhir-exception.filter';
export type { FhirInteraction, FhirOperation } from './interaction';
export type {
  BackendStatus,
  FhirBackend,
  FhirRequest,
  FhirResponse,
  HttpMethod,
} from './interfaces/fhir-backend.interface';
export type { FhirModuleOptions } from './interfaces/fhir-module-options.interface';
export type { UpstreamFailure, UpstreamObserver } from './interfaces/upstream-observer.interface';
export type { FhirAccessControl, FhirAccessGrant, ResourceLookup } from './interfaces/fhir-access-control.interface';
export { entryOperation, searchesWholeCompartment } from './interaction';
export { fhirConfig } from './fhir.config';
export {
  FHIR_ID_PATTERN,
  FHIR_ROUTES,
  fhirReferencePattern,
  fhirRoutePath,
  matchFhirRoute,
  parseReference,
  referenceOfUrl,
  type FhirReference,
  type FhirRoute,
  type FhirRouteBody,
  type FhirRouteHeader,
  type FhirRouteMatch,
} from './routes/fhir-routes';
export { FHIR_TAG, fhirOpenApi } from './http/fhir-openapi';
