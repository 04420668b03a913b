import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventBrokerPublisher, EventDispatcher } from '@ehr-gateway/events';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import request from 'supertest';
import { AuditConsumerModule } from '../apps/audit-consumer/src/audit-consumer.module';
import { createTestGateway } from './support/gateway-app';
import { runScript, startScript } from './support/node-script';
import { unusedPort } from './support/ports';
import { describeWithService } from './support/services';

const NATS_URL = 'nats://127.0.0.1:4222';
const MAIN = join(__dirname, '..', 'apps', 'audit-consumer', 'src', 'main.ts');

describe('audit consumer start-up failures: one line naming the key, exit code 78', () => {
  it('names EVENTS_BROKER_URL, without its credentials, when nothing answers there', async () => {
    const closed = await unusedPort();
    const { code, stderrLines } = await runScript(MAIN, {
      NODE_ENV: 'production',
      EVENTS_BROKER_URL: `nats://audit:pa55word@127.0.0.1:${closed}`,
    });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      `EVENTS_BROKER_URL: cannot connect to nats://127.0.0.1:${closed} (connection refused). Start NATS there, or point EVENTS_BROKER_URL at the gateway's broker`,
    ]);
  }, 60_000);
});

const API_KEY = `audit-${randomUUID()}`;

describeWithService('NATS', 'audit consumer (e2e, against a gateway that asks for an API key)', () => {
  let gateway: INestApplication;
  let consumer: INestApplicationContext;
  const prefix = `ehra${randomUUID().slice(0, 8)}`;
  const stream = `EHR_AUDIT_${prefix}`;

  beforeAll(async () => {
    gateway = await createTestGateway({
      GATEWAY_AUTH: 'api-key',
      GATEWAY_API_KEYS: API_KEY,
      EVENTS_BROKER_URL: NATS_URL,
      EVENTS_BROKER_STREAM: stream,
      EVENTS_BROKER_SUBJECT_PREFIX: prefix,
      EVENTS_OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), 'audit-outbox-')), 'outbox.sqlite'),
    });
    await gateway.listen(0, '127.0.0.1');
    await gateway.get(EventBrokerPublisher).flushed();
    consumer = await NestFactory.createApplicationContext(
      AuditConsumerModule.forRoot({
        brokerUrl: NATS_URL,
        stream,
        subjectPrefix: prefix,
        gatewayUrl: await gateway.getUrl(),
        source: 'local',
        gatewayName: 'ehr-gateway-test',
        apiKey: API_KEY,
      }),
      { logger: false },
    );
    await consumer.init();
  });
  afterAll(async () => {
    await consumer.close();
    await gateway.close();
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  async function auditEventsFor(patientId: string, expected: number): Promise<AuditEvent[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await request(gateway.getHttpServer())
        .get(`/fhir/local/AuditEvent?patient=Patient/${patientId}&_sort=date`)
        .set('X-API-Key', API_KEY)
        .expect(200);
      const found = ((response.body as Bundle).entry ?? []).map((entry) => entry.resource as AuditEvent);
      if (found.length >= expected || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('as npm run audit-consumer: one start-up line naming stream and durable, no colour codes in a file', async () => {
    const audit = startScript(MAIN, {
      NODE_ENV: 'development',
      EVENTS_BROKER_URL: NATS_URL.replace('nats://', 'nats://audit:pa55word@'),
      EVENTS_BROKER_STREAM: stream,
      EVENTS_BROKER_SUBJECT_PREFIX: prefix,
      AUDIT_DURABLE_NAME: `${prefix}-startup`,
      AUDIT_GATEWAY_URL: await gateway.getUrl(),
    });
    try {
      const lines = await audit.until((line) => line.includes('Consuming stream'));
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^\\[[-0-9 :.]+\\] INFO \\(\\d+\\): Consuming stream ${stream} \\(subjects ${prefix}\\.>\\) as durable '${prefix}-startup' from nats://127\\.0\\.0\\.1:4222; AuditEvents go to http://127\\.0\\.0\\.1:\\d+/fhir/local \\{"context":"AuditConsumer"\\}$`,
          ),
        ),
      ]);
    } finally {
      audit.stop();
    }
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).consumers.delete(stream, `${prefix}-startup`);
    await nc.close();
  }, 60_000);

  it('names EVENTS_BROKER_STREAM when the gateway has not created that stream', async () => {
    const { code, stderrLines } = await runScript(MAIN, {
      NODE_ENV: 'production',
      EVENTS_BROKER_URL: NATS_URL,
      EVENTS_BROKER_STREAM: `${stream}_MISSING`,
    });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      `EVENTS_BROKER_STREAM: no stream ${stream}_MISSING at ${NATS_URL}. Start the gateway with the same EVENTS_BROKER_URL first (it creates the stream), or name its stream`,
    ]);
  }, 60_000);

  it('writes BALP-shaped AuditEvents that a FHIR search by patient and date finds', async () => {
    const server = gateway.getHttpServer();
    const search = await request(server).get('/fhir/local/Patient?_count=1').set('X-API-Key', API_KEY).expect(200);
    const patientId = search.body.entry[0].resource.id as string;
    await request(server)
      .get(`/fhir/local/Patient/${patientId}`)
      .set('X-API-Key', API_KEY)
      .set('X-Request-Id', 'audit-req-1')
      .expect(200);
    await request(server).get('/fhir/local/Patient/does-not-exist').set('X-API-Key', API_KEY).expect(404);
    await gateway.get(EventDispatcher).idle();
    await gateway.get(EventBrokerPublisher).flushed();

    const [audit] = await auditEventsFor(patientId, 1);
    expect(audit).toMatchObject({
      meta: { profile: ['https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead'] },
      type: { code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      outcome: '0',
      source: { observer: { display: 'ehr-gateway-test' } },
    });
    expect(audit.agent.map((agent) => [agent.type?.coding?.[0].code, agent.requestor])).toEqual([
      ['110153', true],
      ['110152', false],
    ]);
    expect(audit.entity).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          what: { reference: `Patient/${patientId}` },
          role: expect.objectContaining({ code: '1' }),
        }),
        expect.objectContaining({ what: { identifier: { value: 'audit-req-1' } } }),
      ]),
    );
    const today = new Date().toISOString().slice(0, 10);
    const byDate = await request(server)
      .get(`/fhir/local/AuditEvent?patient=Patient/${patientId}&date=${today}`)
      .set('X-API-Key', API_KEY)
      .expect(200);
    expect((byDate.body as Bundle).total).toBeGreaterThanOrEqual(1);
  });
});
