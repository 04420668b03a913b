export { EHR_EVENT_CREATOR, REQUEST_ID_HEADER, SESSION_ID_HEADER } from './constants';
export {
  EHR_EVENT_TYPES,
  EHREventType,
  familyOf,
  isEventOfFamily,
  newEventId,
  type BaseEventPayload,
  type CdsEventDetails,
  type CdsEventPayload,
  type CdsEventType,
  type EHREvent,
  type EHREventOf,
  type EventDetails,
  type EventFamily,
  type EventPayload,
  type EventPayloadMap,
  type EventTypesOfFamily,
  type FhirEventDetails,
  type FhirEventPayload,
  type FhirEventType,
  type GenericEventPayload,
  type NoteReaderEventDetails,
  type NoteReaderEventPayload,
  type NoteReaderEventType,
  type OperationOutcomeKind,
} from './ehr-event';
export { patternCanMatch, suggestPattern } from './event-routing';
export { EventPatternMatcher } from './event-pattern-matcher';
export { DefaultEhrEventCreator, createEvent } from './default-event-creator';
export { OnEhrEvent } from './decorators/on-ehr-event.decorator';
export { InjectEventCreator } from './decorators/inject-event-creator.decorator';
export { EventDeliveryError, type ListenerFailure } from './event-delivery.error';
export { EventDispatcher } from './event-dispatcher';
export { EventEmittingInterceptor } from './event-emitting.interceptor';
export { EventsModule } from './events.module';
export { InjectEventsOptions } from './events.module-definition';
export { OperationEvents } from './operation-events.service';
export { OperationFacts, type OperationFactFields } from './operation-facts';
export { MessageContextGuard, RequestContextService, UseMessageContext, requestIdOf } from './request-context';
export * from './interfaces';
export { EventBrokerModule } from './broker/event-broker.module';
export { InjectEventBrokerOptions, InjectEventConsumerOptions } from './broker/event-broker.module-definition';
export { EventBrokerPublisher, type EventBrokerStats } from './broker/event-broker.publisher';
export type { EventBrokerOptions } from './broker/event-broker.options';
export { toCloudEvent, withoutResource, type EhrCloudEvent } from './broker/cloud-event';
export { EventConsumerModule } from './broker/event-consumer.module';
export { EventConsumer, OnBrokerEvent, type EventConsumerOptions } from './broker/event-consumer';
export { eventsConfig } from './events.config';
export { brokerConfig } from './broker/event-broker.config';
