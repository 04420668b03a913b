import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Logger } from '@nestjs/common';
import { EHREvent, EventBrokerPublisher, EventDispatcher } from '@ehr-gateway/events';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import request from 'supertest';
import { CapturingLogger } from './support/capturing-logger';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { describeWithService } from './support/services';

/**
 * A marker in every submitted or stored value below: it must reach no event and
 * no log line. Not shaped like an identifier: ids and references are what events carry.
 */
const PHI = 'PHIMARK Ada Okafor 1961';
const PHI_IN_URL = encodeURIComponent(PHI);
const b64 = (text: string) => Buffer.from(text).toString('base64');
const soapEnvelope = (documentBase64: string) =>
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:epic-com:Common.2013.Services">' +
  `<soapenv:Body><urn:ProcessDocument><urn:SessionID>S-1</urn:SessionID><urn:Document>${documentBase64}</urn:Document>` +
  '</urn:ProcessDocument></soapenv:Body></soapenv:Envelope>';

/** An upstream FHIR server whose every error quotes the data, as some servers do. */
async function chattyUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((_, res) => {
    res.writeHead(400, { 'content-type': 'application/fhir+json' });
    res.end(
      JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'invalid', diagnostics: `No match for ${PHI}`, details: { text: `Bad ${PHI}` } },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`, server };
}

describeWithService('NATS', 'Security: no PHI in events or logs from failures (e2e)', () => {
  let nc: NatsConnection;
  let upstream: { url: string; server: Server };
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let events: () => Promise<EHREvent[]>;
  const logs = new CapturingLogger();
  const prefix = `phi${randomUUID().slice(0, 8)}`;
  const stream = `EHR_PHI_${prefix}`;

  beforeAll(async () => {
    upstream = await chattyUpstream();
    app = await createTestGateway(
      {
        LOG_LEVEL: 'trace',
        FHIR_SOURCES: JSON.stringify({ upstream: upstream.url }),
        EVENTS_BROKER_URL: 'nats://127.0.0.1:4222',
        EVENTS_BROKER_STREAM: stream,
        EVENTS_BROKER_SUBJECT_PREFIX: prefix,
        EVENTS_OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.sqlite'),
      },
      [EventLogModule],
    );
    Logger.overrideLogger(logs);
    http = request(app.getHttpServer());
    events = eventsOf(app);
    nc = await connect({ servers: 'nats://127.0.0.1:4222' });
  }, 60_000);
  afterAll(async () => {
    await app.close();
    upstream.server.close();
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('drives every failure path with PHI-marked values; none reaches an event (in process, JetStream) or a log line', async () => {
    const fhir = (method: 'post' | 'put' | 'patch', path: string, body: string, type = 'application/fhir+json') =>
      http[method](`/fhir/local/${path}`).set('content-type', type).send(body);
    const created = await fhir(
      'post',
      'Patient',
      JSON.stringify({ resourceType: 'Patient', name: [{ family: PHI }], birthDate: '1961-04-12' }),
    ).expect(201);
    const id = (created.body as { id: string }).id;
    await events();

    // bad patch: a failed test, and a path that does not exist; the stored resource holds the marker
    await fhir(
      'patch',
      `Patient/${id}`,
      JSON.stringify([{ op: 'test', path: '/birthDate', value: PHI }]),
      'application/json-patch+json',
    ).expect(400);
    await fhir(
      'patch',
      `Patient/${id}`,
      JSON.stringify([{ op: 'test', path: '/name/0/family', value: 'x' }]),
      'application/json-patch+json',
    ).expect(400);
    // bad search values
    await http.get(`/fhir/local/Patient?birthdate=${PHI_IN_URL}`).expect(400);
    await http
      .get(`/fhir/local/Patient?_sort=${PHI_IN_URL}`)
      .expect((r) => expect(r.status).toBeGreaterThanOrEqual(200));
    // validation failures
    await fhir(
      'post',
      'Patient',
      JSON.stringify({ resourceType: 'Patient', gender: PHI, name: [{ family: PHI }] }),
    ).expect(400);
    await fhir('post', 'Patient', JSON.stringify({ resourceType: 'Patient', birthDate: PHI })).expect(400);
    await fhir(
      'post',
      'Patient',
      `{"resourceType":"Patient","name":[{"family":"${PHI}"}],"__proto__":{"x":"${PHI}"}}`,
    ).expect(400);
    await fhir('post', 'Patient', `{"resourceType":"Patient","name":"${PHI}`).expect(400);
    // a transaction whose entry fails
    await http
      .post('/fhir/local')
      .set('content-type', 'application/fhir+json')
      .send(
        JSON.stringify({
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', gender: PHI } }],
        }),
      )
      .expect(400);
    // upstream errors that quote the data
    await http.get(`/fhir/upstream/Patient/${id}`).expect(400);
    await http.get(`/fhir/upstream/Patient?name=${PHI_IN_URL}`).expect(400);
    // bad CDS bodies
    await http
      .post('/cds-services/vitals-review')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ hook: 'patient-view', hookInstance: PHI, context: { userId: PHI, patientId: PHI } }))
      .expect(400);
    await http
      .post('/cds-services/vitals-review')
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({
          hook: 'patient-view',
          hookInstance: randomUUID(),
          context: { userId: 'Practitioner/1', patientId: id },
          prefetch: { patient: { resourceType: 'Patient', id, name: PHI } },
        }),
      )
      .expect((r) => expect(r.status).toBeGreaterThanOrEqual(200));
    await http
      .post('/cds-services/vitals-review')
      .set('content-type', 'application/json')
      .send(`{"hook":"${PHI}`)
      .expect(400);
    // NoteReader faults
    const soap = (body: string) =>
      http
        .post('/notereader')
        .set({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"ProcessDocument"' })
        .send(body);
    await soap(soapEnvelope(b64(`<ClinicalDocument xmlns="urn:hl7-org:v3"><title>${PHI}</title>`))).expect(500);
    await soap(soapEnvelope(b64(`<note>${PHI}</note>`))).expect(500);
    await soap(`<soapenv:Envelope>${PHI}`).expect(500);

    await app.get(EventDispatcher).idle();
    const inProcess = await events();
    expect(inProcess.filter((event) => event.payload.outcome === 'failure').length).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(inProcess)).not.toContain(PHI);
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs.lines)).not.toContain(PHI);

    await app.get(EventBrokerPublisher).flushed();
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(stream);
    expect(state.messages).toBeGreaterThanOrEqual(inProcess.length);
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      expect(message!.string()).not.toContain(PHI);
    }
  }, 120_000);
});
