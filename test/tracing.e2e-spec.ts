import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SpanKind } from '@opentelemetry/api';

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
 * registry does not go through.
 */
describe('tracing (e2e)', () => {
  let spans: ExportedSpan[];
  let statuses: number[];

  beforeAll(async () => {
    const script = join(__dirname, 'support', 'traced-gateway.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', script], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    ({ spans, statuses } = JSON.parse(stdout) as { spans: ExportedSpan[]; statuses: number[] });
  }, 120_000);

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
    expect(upstream?.attributes['url.path']).toBe('/fhir/R4/Patient/p1');
    expect(upstream?.traceId).toBe(inbound.traceId);
    const delivery = children.find((span) => span.name === 'ehr.event.deliver');
    expect(delivery?.attributes).toMatchObject({ 'ehr.event_type': 'fhir.read', 'ehr.request_id': 'trace-read-1' });
    expect(delivery?.attributes['ehr.event_id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('traces the CDS prefetch the gateway fetched, and its FHIR reads beneath it', () => {
    const inbound = serverSpan('trace-cds-1')!;
    expect(inbound.name).toBe('POST /cds-services/:id');
    const prefetch = childrenOf(inbound).find((span) => span.name === 'cds.prefetch');
    expect(prefetch?.attributes).toMatchObject({ 'cds.service': 'vitals-review' });
    const prefetchEvents = spans.filter(
      (span) =>
        span.name === 'ehr.event.deliver' &&
        span.traceId === inbound.traceId &&
        String(span.attributes['ehr.event_type']).startsWith('fhir.'),
    );
    expect(prefetchEvents.length).toBeGreaterThan(0);
  });
});
