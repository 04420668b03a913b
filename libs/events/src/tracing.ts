import { Attributes, SpanStatusCode, trace } from '@opentelemetry/api';

/** The gateway's OpenTelemetry tracer: a no-op until an SDK is registered (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
export const tracer = trace.getTracer('ehr-gateway');

/** Runs `work` in a span of its own (a child of the active one), recording a thrown error on it. */
export async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The attributes naming an event on a span: ids only, never payload content. */
export function eventSpanAttributes(event: { id: string; eventType: string; correlationId?: string }): Attributes {
  return {
    'ehr.event_id': event.id,
    'ehr.event_type': event.eventType,
    ...(event.correlationId ? { 'ehr.request_id': event.correlationId } : {}),
  };
}
