export { EHR_EVENT_CREATOR, REQUEST_ID_HEADER, SESSION_ID_HEADER } from './constants';
export {
  EHR_EVENT_TYPES,
  EHREventType,
  familyOf,
  newEventId,
  type BaseEventPayload,
  type CdsEventPayload,
  type EHREvent,
  type EventFamily,
  type EventPayload,
  type EventPayloadMap,
  type FhirEventPayload,
  type GenericEventPayload,
  type NoteReaderEventPayload,
  type OperationOutcomeKind,
} from './ehr-event';
export { EVENT_NAMESPACES, eventNames, patternCanMatch, suggestPattern } from './event-routing';
export { EventPatternMatcher } from './event-pattern-matcher';
export { eventSpanAttributes, inSpan } from './tracing';
export { DefaultEhrEventCreator } from './default-event-creator';
export { findDecoratedMethods, type DecoratedMethod } from './decorated-methods';
export { EventDeliveryError, type ListenerFailure } from './event-delivery.error';
export { EventDispatcher } from './event-dispatcher';
export { EventListenerRegistry, type EventListener } from './event-listener.registry';
export { EventEmittingInterceptor, messageOfError, statusOfError } from './event-emitting.interceptor';
export { EventsModule } from './events.module';
export { EVENTS_MODULE_OPTIONS } from './events.module-definition';
export { OperationEvents } from './operation-events.service';
export { RequestContextService, UseMessageContext, messageRequestId, requestIdOf } from './request-context';
export * from './interfaces';
export { EventBrokerModule } from './broker/event-broker.module';
export { EventBrokerPublisher, type EventBrokerStats } from './broker/event-broker.publisher';
export type { EventBrokerOptions } from './broker/event-broker.options';
export { toCloudEvent, withoutResource, type EhrCloudEvent } from './broker/cloud-event';
export { EventConsumerModule } from './broker/event-consumer.module';
export { EventConsumer, OnBrokerEvent, type EventConsumerOptions } from './broker/event-consumer';
export { eventsConfig } from './events.config';
export { brokerConfig } from './broker/event-broker.config';
