export { CdsService } from './decorators/cds-service.decorator';
export { CdsModule } from './cds.module';
export { InjectCdsOptions } from './cds.module-definition';
export { CdsServicesExplorer } from './cds-services.explorer';
export { CdsError } from './http/cds-errors';
export { FeedbackStore } from './feedback/feedback.store';
export { responseProblems } from './http/response-validation';
export { renderPrefetchTemplate } from './prefetch/prefetch-template';
export type {
  CdsAction,
  CdsCard,
  CdsCoding,
  CdsLink,
  CdsOverrideReason,
  CdsResponse,
  CdsSource,
  CdsSuggestion,
} from './dto/cds-response.dto';
export type {
  CdsRequest,
  CdsServiceDefinition,
  CdsServiceHandler,
  FhirAuthorization,
} from './interfaces/cds.interfaces';
export type { CdsJwtOptions, CdsModuleOptions } from './interfaces/cds-module-options.interface';
export { cdsConfig } from './cds.config';
export { CDS_TAG, cdsOpenApi } from './http/cds-openapi';
