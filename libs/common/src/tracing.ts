import { Attributes, ProxyTracerProvider, SpanStatusCode, trace } from '@opentelemetry/api';
import { problemOf } from './failure-problem';

/** The gateway's OpenTelemetry tracer: a no-op until an SDK is registered (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
export const tracer = trace.getTracer('ehr-gateway');

/** The provider the global one delegates to while no SDK is registered. */
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether an OpenTelemetry SDK is registered: without one, spans record nothing and need not be started. */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

/** Runs `work` in a span of its own (a child of the active one), recording a thrown error on it. */
export async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      // The message may quote anything (PHI included): the span carries the problem only.
      span.setStatus({ code: SpanStatusCode.ERROR, message: problemOf(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
