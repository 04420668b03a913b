import type { EHREventType, EventPayload } from '@ehr-gateway/events';

/** The shape of an event, as `@ehr-gateway/events` declares it (`EHREvent`). */
export type EHREvent<T extends EHREventType = EHREventType> = {
  id: string; // UUIDv7: unique and time-sortable
  eventType: T; // one of the names below
  sourceSystem: string; // the system the operation ran against (a FHIR source, a CDS service id)
  timestamp: string; // ISO 8601, UTC
  correlationId?: string; // the inbound request's X-Request-Id
  payload: EventPayload<T>; // the event type's payload, camelCase
  metadata: Record<string, unknown>; // what a replaced event creator adds
};
