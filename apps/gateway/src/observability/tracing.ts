import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RequestIdSpanProcessor } from './request-id-span';

/**
 * Starts OpenTelemetry tracing: spans for inbound HTTP requests and for
 * outbound calls (upstream FHIR sources, token endpoints, CDS `fhirServer`s,
 * through undici), beside the gateway's own spans (CDS prefetch, event
 * delivery, broker publish), each with the id of the request it belongs to.
 * Must run before the gateway's modules load, so that `http` is instrumented. Without an exporter argument, spans go over
 * OTLP/HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT` (the SDK reads the standard
 * `OTEL_*` variables).
 */
export function startTracing(exporter?: SpanExporter): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'ehr-gateway',
    spanProcessors: [
      new RequestIdSpanProcessor(),
      exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter()),
    ],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
