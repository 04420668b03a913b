import { SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { inSpan, tracingEnabled } from './tracing';

describe('inSpan', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    expect(tracingEnabled()).toBe(false);
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });

  afterAll(() => trace.disable());

  it('records a failure as the error’s kind, never its message (it may quote PHI)', async () => {
    expect(tracingEnabled()).toBe(true);
    const failing = inSpan('prefetch', { 'ehr.key': 'patient' }, () =>
      Promise.reject(new TypeError('no Patient named Jane Doe, born 1980-01-01')),
    );

    await expect(failing).rejects.toThrow(TypeError);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('prefetch');
    expect(span.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'TypeError (message withheld: it may carry content)',
    });
    expect(JSON.stringify(span.events)).not.toContain('Jane');
  });
});
