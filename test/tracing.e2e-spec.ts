import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SpanKind } from '@opentelemetry/api';
import { itWithService, serviceAvailable } from './support/services';

interface ExportedSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/**
 * OpenTelemetry tracing through @opentelemetry/sdk-node with an in-memory
 * exporter. The gateway runs in a child process (test/support/traced-gateway.ts):
 * the HTTP instrumentation patches `http` as it loads, which Jest's module
 * registry does not go through. With NATS, its events are also published to
 * JetStream.
 */
describe('tracing (e2e)', () => {
  const NATS = '127.0.0.1:4222';
  const prefix = `ehrtraced${randomUUID().slice(0, 8)}`;
  let spans: ExportedSpan[];
  let statuses: number[];

  beforeAll(async () => {
    const script = join(__dirname, 'support', 'traced-gateway.ts');
    const broker = serviceAvailable('NATS')
      ? { TRACED_BROKER_URL: `nats://${NATS}`, TRACED_BROKER_PREFIX: prefix }
      : {};
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', script], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, NODE_OPTIONS: '', ...broker },
      maxBuffer: 16 * 1024 * 1024,
    });
    ({ spans, statuses } = JSON.parse(stdout) as { spans: ExportedSpan[]; statuses: number[] });
  }, 120_000);

  afterAll(async () => {
    if (serviceAvailable('NATS')) {
      const nc = await connect({ servers: NATS });
      await (await jetstreamManager(nc)).streams.delete(`EHR_TEST_${prefix}`).catch(() => undefined);
      await nc.close();
    }
  });

  const serverSpan = (requestId: string) =>
    spans.find((span) => span.kind === SpanKind.SERVER && span.attributes['ehr.request_id'] === requestId);
  const childrenOf = (parent: ExportedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId);

  it('gives the inbound request a server span named by route template, with the request id', () => {
    expect(statuses).toEqual([200, 200]);
    const inbound = serverSpan('trace-read-1');
    expect(inbound).toMatchObject({
      name: 'GET /fhir/:source/*path',
      attributes: { 'http.route': '/fhir/:source/*path', 'url.path': '/fhir/epic/Patient/p1' },
    });
  });

  it('traces the upstream FHIR call and the event delivery inside the request, with the event id', () => {
    const inbound = serverSpan('trace-read-1')!;
    const children = childrenOf(inbound);
    const upstream = children.find((span) => span.kind === SpanKind.CLIENT);
    expect(upstream?.attributes).toMatchObject({ 'url.path': '/fhir/R4/Patient/p1', 'ehr.request_id': 'trace-read-1' });
    expect(upstream?.traceId).toBe(inbound.traceId);
    const delivery = children.find((span) => span.name === 'ehr.event.deliver');
    expect(delivery?.attributes).toMatchObject({ 'ehr.event_type': 'fhir.read', 'ehr.request_id': 'trace-read-1' });
    expect(delivery?.attributes['ehr.event_id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('traces the CDS prefetch the gateway fetched, with the request id, and its FHIR reads beneath it', () => {
    const inbound = serverSpan('trace-cds-1')!;
    expect(inbound.name).toBe('POST /cds-services/:id');
    const prefetch = childrenOf(inbound).find((span) => span.name === 'cds.prefetch');
    expect(prefetch?.attributes).toMatchObject({ 'cds.service': 'vitals-review', 'ehr.request_id': 'trace-cds-1' });
    const prefetchEvents = spans.filter(
      (span) =>
        span.name === 'ehr.event.deliver' &&
        span.traceId === inbound.traceId &&
        String(span.attributes['ehr.event_type']).startsWith('fhir.'),
    );
    expect(prefetchEvents.length).toBeGreaterThan(0);
  });

  itWithService('NATS', 'traces the broker publish of each event, with its event and request ids', async () => {
    const inbound = serverSpan('trace-read-1')!;
    const delivery = childrenOf(inbound).find((span) => span.name === 'ehr.event.deliver')!;
    const publish = spans.find(
      (span) =>
        span.name === 'ehr.broker.publish' && span.attributes['ehr.event_id'] === delivery.attributes['ehr.event_id'],
    );
    expect(publish?.traceId).toBe(inbound.traceId);
    expect(publish?.attributes).toEqual({
      'ehr.event_id': delivery.attributes['ehr.event_id'],
      'ehr.event_type': 'fhir.read',
      'ehr.request_id': 'trace-read-1',
      'messaging.destination.name': `${prefix}.fhir.read`,
    });
  });
});
