import { startTracing } from './tracing';

// Imported first by main.ts: tracing has to start before `http` and Express load.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const tracing = startTracing();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void tracing.shutdown());
}
