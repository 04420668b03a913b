import type { Attributes } from '@opentelemetry/api';

/** The attributes naming an event on a span: ids only, never payload content. */
export function eventSpanAttributes(event: { id: string; eventType: string; correlationId?: string }): Attributes {
  return {
    'ehr.event_id': event.id,
    'ehr.event_type': event.eventType,
    ...(event.correlationId ? { 'ehr.request_id': event.correlationId } : {}),
  };
}
