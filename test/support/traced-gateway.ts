/**
 * Run as its own process by test/tracing.e2e-spec.ts (instrumentation must
 * start before `http` loads, which Jest's module registry does not allow):
 * starts tracing into an in-memory exporter, composes the gateway, makes an
 * upstream FHIR read and a CDS invoke whose prefetch the gateway fetches,
 * and prints the finished spans as JSON on stdout. With `TRACED_BROKER_URL`
 * (and `TRACED_BROKER_PREFIX`), events are also published to NATS JetStream.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '../../apps/gateway/src/observability/tracing';

async function main(): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const sdk = startTracing(exporter);
  const { createTestGateway } = await import('./gateway-app');
  const { MockEhrServer } = await import('./mock-ehr-server');
  const { EventBrokerPublisher, EventDispatcher } = await import('@ehr-gateway/events');

  const ehr = await new MockEhrServer({ id: 'gateway-app' }).start();
  const brokerUrl = process.env.TRACED_BROKER_URL;
  const prefix = process.env.TRACED_BROKER_PREFIX ?? 'ehrtraced';
  const app = await createTestGateway({
    FHIR_SOURCES: JSON.stringify({ epic: `${ehr.url}/fhir/R4?timeout=2` }),
    ...(brokerUrl
      ? {
          EVENTS_BROKER_URL: brokerUrl,
          EVENTS_BROKER_SUBJECT_PREFIX: prefix,
          EVENTS_BROKER_STREAM: `EHR_TEST_${prefix}`,
          EVENTS_OUTBOX_PATH: ':memory:',
        }
      : {}),
  });
  // Connected before the first request, so that its events are published rather than parked in the outbox.
  if (brokerUrl) await app.get(EventBrokerPublisher).flushed();
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const read = await fetch(`${base}/fhir/epic/Patient/p1`, { headers: { 'x-request-id': 'trace-read-1' } });
  const search = await fetch(`${base}/fhir/local/Patient?_count=1`);
  const patientId = ((await search.json()) as { entry: Array<{ resource: { id: string } }> }).entry[0].resource.id;
  const invoke = await fetch(`${base}/cds-services/vitals-review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'trace-cds-1' },
    body: JSON.stringify({
      hook: 'patient-view',
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context: { userId: 'Practitioner/1', patientId },
    }),
  });
  await app.get(EventDispatcher).idle();
  await app.close();
  await ehr.stop();
  const spans = exporter.getFinishedSpans().map((span) => ({
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: span.attributes,
  }));
  await sdk.shutdown();
  process.stdout.write(JSON.stringify({ statuses: [read.status, invoke.status], spans }));
}

void main();
