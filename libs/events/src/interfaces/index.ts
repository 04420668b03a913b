export type { AuthorizationDecision, PresentedCredentials, RequestContext } from './request-context.interface';
export type { OperationContext, OperationDescriptor, OperationOutcomeInfo } from './operation-context.interface';
export type { EhrEventCreator } from './event-creator.interface';
export type {
  DeliveryMode,
  EventCreatorOption,
  EventsModuleExtras,
  EventsModuleOptions,
} from './events-module-options.interface';
