import { type Context, createContextKey } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The inbound request's id, in the OpenTelemetry context of everything that request sets off. */
export const REQUEST_ID_CONTEXT = createContextKey('ehr-gateway request id');

/** The span attribute that carries the request id (the `X-Request-Id` the gateway answers). */
export const REQUEST_ID_ATTRIBUTE = 'ehr.request_id';

/**
 * Puts the request id on every span started inside a request (upstream FHIR
 * calls, token endpoints, CDS prefetch, event delivery, broker publish), so
 * that any one span leads back to the request and its log lines.
 */
export class RequestIdSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const requestId = parentContext.getValue(REQUEST_ID_CONTEXT);
    if (typeof requestId === 'string') span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
