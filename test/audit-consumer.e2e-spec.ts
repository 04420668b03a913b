import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EHREventType, EventBrokerPublisher, EventDispatcher, type EHREvent } from '@ehr-gateway/events';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import request from 'supertest';
import { loadAuditConsumerConfig } from '../apps/audit-consumer/src/audit-consumer.config';
import { AuditConsumerModule } from '../apps/audit-consumer/src/audit-consumer.module';
import { AuditWriter } from '../apps/audit-consumer/src/audit-writer';
import { createTestGateway } from './support/gateway-app';
import { runScript, startScript } from './support/node-script';
import { unusedPort } from './support/ports';
import { describeWithService } from './support/services';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const NATS_URL = 'nats://127.0.0.1:4222';
const MAIN = join(__dirname, '..', 'apps', 'audit-consumer', 'src', 'main.ts');

/** A gateway on loopback publishing its events to its own stream (`stream`, subjects `prefix.>`), its broker connected. */
async function startGateway(stream: string, prefix: string, env: Record<string, string>): Promise<INestApplication> {
  const gateway = await createTestGateway({
    ...env,
    EVENTS_BROKER_URL: NATS_URL,
    EVENTS_BROKER_STREAM: stream,
    EVENTS_BROKER_SUBJECT_PREFIX: prefix,
    EVENTS_OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), 'audit-outbox-')), 'outbox.sqlite'),
  });
  await gateway.listen(0, '127.0.0.1');
  await gateway.get(EventBrokerPublisher).flushed();
  return gateway;
}

/** The audit consumer as `npm run audit-consumer` configures it from its environment, bound and consuming. */
async function startConsumer(env: Record<string, string>): Promise<INestApplicationContext> {
  const consumer = await NestFactory.createApplicationContext(
    AuditConsumerModule.forRoot(loadAuditConsumerConfig({ EVENTS_BROKER_URL: NATS_URL, ...env })),
    { logger: false },
  );
  await consumer.init();
  return consumer;
}

/** `read()` again every 50 ms until `done` holds of its answer or `timeoutMs` passed; the last answer. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every event the gateway emitted so far is in the stream. */
async function published(gateway: INestApplication): Promise<void> {
  await gateway.get(EventDispatcher).idle();
  await gateway.get(EventBrokerPublisher).flushed();
}

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
    gateway = await startGateway(stream, prefix, { GATEWAY_AUTH: 'api-key', GATEWAY_API_KEYS: API_KEY });
    consumer = await startConsumer({
      EVENTS_BROKER_STREAM: stream,
      EVENTS_BROKER_SUBJECT_PREFIX: prefix,
      AUDIT_GATEWAY_URL: await gateway.getUrl(),
      AUDIT_SOURCE: 'local',
      AUDIT_GATEWAY_NAME: 'ehr-gateway-test',
      AUDIT_GATEWAY_API_KEY: API_KEY,
    });
  });
  afterAll(async () => {
    await consumer.close();
    await gateway.close();
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  async function auditEventsFor(patientId: string, expected: number): Promise<AuditEvent[]> {
    return until(
      async () => {
        const response = await request(gateway.getHttpServer())
          .get(`/fhir/local/AuditEvent?patient=Patient/${patientId}&_sort=date`)
          .set('X-API-Key', API_KEY)
          .expect(200);
        return ((response.body as Bundle).entry ?? []).map((entry) => entry.resource as AuditEvent);
      },
      (found) => found.length >= expected,
    );
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
    await published(gateway);

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

describeWithService(
  'NATS',
  'audit consumer (e2e, SMART Backend Services against a gateway that accepts only SMART tokens)',
  () => {
    const AUDIENCE = 'https://gateway.example.org/ehr/fhir';
    const SCOPE = 'system/AuditEvent.cs';
    const clientSecret = randomBytes(24).toString('base64url');
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPath = join(mkdtempSync(join(tmpdir(), 'audit-key-')), 'audit-consumer.pem');
    const prefix = `ehrs${randomUUID().slice(0, 8)}`;
    const stream = `EHR_AUDIT_${prefix}`;
    let authServer: SmartAuthorizationServer;
    let gateway: INestApplication;
    let jsm: JetStreamManager;
    let closeNats: () => Promise<void>;
    let readerToken: string;
    let patientId: string;

    beforeAll(async () => {
      writeFileSync(keyPath, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      authServer = await new SmartAuthorizationServer(
        AUDIENCE,
        {},
        {
          'audit-secret': { secret: clientSecret },
          'audit-jwt': { jwk: { ...keys.publicKey.export({ format: 'jwk' }), kid: 'audit-jwt-1', use: 'sig' } },
        },
      ).start();
      gateway = await startGateway(stream, prefix, { ...authServer.gatewayEnv(), FHIR_BASE_PATH: 'ehr/fhir' });
      const nc = await connect({ servers: NATS_URL });
      jsm = await jetstreamManager(nc);
      closeNats = () => nc.close();
      readerToken = await authServer.clientCredentialsToken('system/*.rs');
      const search = await request(gateway.getHttpServer())
        .get('/ehr/fhir/local/Patient?_count=1')
        .auth(readerToken, { type: 'bearer' })
        .expect(200);
      patientId = search.body.entry[0].resource.id as string;
    });
    afterAll(async () => {
      await gateway?.close();
      await authServer?.stop();
      await jsm?.streams.delete(stream).catch(() => undefined);
      await closeNats?.();
    });

    /** The audit trail on the gateway, under its configured FHIR base path, as a SMART backend service. */
    const trail = async (credentials: Record<string, string>) =>
      `${await gateway.getUrl()}/ehr/fhir/local?${new URLSearchParams({
        token_url: `${authServer.issuer}/token`,
        scope: SCOPE,
        ...credentials,
      }).toString()}`;
    const withSecret = (secret: string) => trail({ client_id: 'audit-secret', client_secret: secret });
    const consumerEnv = async (durable: string, fhirSource: Promise<string>) => ({
      EVENTS_BROKER_STREAM: stream,
      EVENTS_BROKER_SUBJECT_PREFIX: prefix,
      AUDIT_DURABLE_NAME: `${prefix}-${durable}`,
      AUDIT_FHIR_SOURCE: await fhirSource,
    });

    /** Reads the patient as request `requestId`; every event so far is then in the stream. */
    async function readPatient(requestId: string): Promise<void> {
      await request(gateway.getHttpServer())
        .get(`/ehr/fhir/local/Patient/${patientId}`)
        .auth(readerToken, { type: 'bearer' })
        .set('X-Request-Id', requestId)
        .expect(200);
      await published(gateway);
    }

    /** The AuditEvents of the patient's read with request id `requestId`, once there are `expected` (or time ran out). */
    async function auditEventsOf(requestId: string, expected = 1, timeoutMs?: number): Promise<AuditEvent[]> {
      return until(
        async () => {
          const response = await request(gateway.getHttpServer())
            .get(`/ehr/fhir/local/AuditEvent?patient=Patient/${patientId}&_count=100`)
            .auth(readerToken, { type: 'bearer' })
            .expect(200);
          return ((response.body as Bundle).entry ?? [])
            .map((entry) => entry.resource as AuditEvent)
            .filter((audit) => audit.entity?.some((entity) => entity.what?.identifier?.value === requestId));
        },
        (found) => found.length >= expected,
        timeoutMs,
      );
    }

    /** Whether the durable consumer acknowledges every message up to the stream's last one now (within 15 s). */
    async function acknowledgesAll(durable: string): Promise<boolean> {
      const last = (await jsm.streams.info(stream)).state.last_seq;
      const acked = await until(
        async () => (await jsm.consumers.info(stream, `${prefix}-${durable}`)).ack_floor.stream_seq,
        (floor) => floor >= last,
      );
      return acked >= last;
    }

    it('as npm run audit-consumer: names the trail and the SMART client on its start-up line, never the secret', async () => {
      const audit = startScript(MAIN, {
        NODE_ENV: 'production',
        EVENTS_BROKER_URL: NATS_URL,
        // A client of its own: the process may ask for a token before it stops, and no other test counts it.
        ...(await consumerEnv('startup', trail({ client_id: 'audit-startup', client_secret: clientSecret }))),
      });
      let lines: string[];
      try {
        lines = await audit.until((line) => line.includes('Consuming stream'));
      } finally {
        audit.stop();
      }
      const line = JSON.parse(lines.at(-1)!) as { msg: string };
      expect(line.msg).toBe(
        `Consuming stream ${stream} (subjects ${prefix}.>) as durable '${prefix}-startup' from ${NATS_URL}; ` +
          `AuditEvents go to ${await gateway.getUrl()}/ehr/fhir/local as SMART client 'audit-startup' (client_secret)`,
      );
      expect(lines.join('\n')).not.toContain(clientSecret);
      await jsm.consumers.delete(stream, `${prefix}-startup`);
    }, 60_000);

    it('with a client secret: one token for every write, each event written once and acknowledged', async () => {
      const before = authServer.tokenRequests('audit-secret');
      const consumer = await startConsumer(await consumerEnv('secret', withSecret(clientSecret)));
      try {
        const requests = [randomUUID(), randomUUID(), randomUUID()];
        for (const requestId of requests) await readPatient(requestId);
        // A message is acknowledged once its AuditEvent is written: then each read has its one AuditEvent.
        expect(await acknowledgesAll('secret')).toBe(true);
        for (const requestId of requests) {
          const audits = await auditEventsOf(requestId, 1, 0);
          expect(audits).toHaveLength(1);
          expect(audits[0]).toMatchObject({ action: 'R', subtype: [{ code: 'read' }], outcome: '0' });
        }
        expect(authServer.tokenRequests('audit-secret') - before).toBe(1);
      } finally {
        await consumer.close();
      }
    }, 60_000);

    it('with a private_key_jwt assertion (RS384, key file): writes the AuditEvent with one token', async () => {
      const consumer = await startConsumer(
        await consumerEnv(
          'jwt',
          trail({
            client_id: 'audit-jwt',
            use_jwt_assertion: 'true',
            private_key_path: keyPath,
            key_id: 'audit-jwt-1',
          }),
        ),
      );
      try {
        const requestId = randomUUID();
        await readPatient(requestId);
        expect(await acknowledgesAll('jwt')).toBe(true);
        expect(await auditEventsOf(requestId, 1, 0)).toHaveLength(1);
        expect(authServer.tokenRequests('audit-jwt')).toBe(1);
      } finally {
        await consumer.close();
      }
    }, 60_000);

    it('with a refused client secret: the write fails naming no secret, the event is redelivered, and written once the secret is right', async () => {
      const wrongSecret = `wrong-${randomBytes(16).toString('base64url')}`;
      const before = authServer.tokenRequests('audit-secret');
      const requestId = randomUUID();
      const refused = await startConsumer(await consumerEnv('refused', withSecret(wrongSecret)));
      try {
        await readPatient(requestId);
        const info = await until(
          () => jsm.consumers.info(stream, `${prefix}-refused`),
          (consumer) => consumer.num_redelivered > 0,
        );
        expect(info.num_redelivered).toBeGreaterThan(0);
        expect(authServer.tokenRequests('audit-secret')).toBeGreaterThan(before);
        const event: EHREvent = {
          id: randomUUID(),
          eventType: EHREventType.FHIR_READ,
          sourceSystem: 'local',
          timestamp: new Date().toISOString(),
          payload: { operation: 'read', source: 'local', outcome: 'success', status: 200, resourceType: 'Patient' },
          metadata: {},
        };
        const failure = await refused
          .get(AuditWriter)
          .write(event)
          .then(
            () => undefined,
            (error: Error) => error,
          );
        expect(failure?.message).toBe("FHIR source 'audit-trail': token endpoint refused the credentials (HTTP 401)");
        expect(JSON.stringify({ ...failure, message: failure?.message })).not.toContain(wrongSecret);
        expect(await auditEventsOf(requestId, 1, 0)).toEqual([]);
      } finally {
        await refused.close();
      }
      const fixed = await startConsumer(await consumerEnv('refused', withSecret(clientSecret)));
      try {
        // Redelivered after the failure's backoff, or after the ack wait (30 s) if the closed consumer held it unhandled.
        expect(await auditEventsOf(requestId, 1, 60_000)).toHaveLength(1);
      } finally {
        await fixed.close();
      }
    }, 120_000);
  },
);
