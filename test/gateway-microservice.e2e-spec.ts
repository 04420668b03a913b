import type { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { EHREvent } from '@ehr-gateway/events';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { serviceAvailable } from './support/services';

const NATS_URL = 'nats://127.0.0.1:4222';

describe('the gateway as a hybrid microservice (e2e)', () => {
  let available = false;
  let app: INestApplication;
  let client: ClientProxy;
  let events: () => Promise<EHREvent[]>;

  beforeAll(async () => {
    available = await serviceAvailable('NATS', '127.0.0.1', 4222);
    if (!available) return;
    app = await createTestGateway({ GATEWAY_TRANSPORT: NATS_URL }, [EventLogModule]);
    events = eventsOf(app);
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await client.connect();
  });
  afterAll(async () => {
    if (!available) return;
    await client.close();
    await app.close();
  });

  it('serves FHIR operations by message pattern through the same service: one event each, as over HTTP, with the caller', async () => {
    if (!available) return;
    const bundle = await firstValueFrom(
      client.send<Bundle<Patient>>('fhir.search', {
        resourceType: 'Patient',
        params: { _count: 1 },
        caller: 'billing-service',
      }),
    );
    const id = bundle.entry![0].resource!.id!;
    await events();

    const patient = await firstValueFrom(
      client.send<Patient>('fhir.read', { resourceType: 'Patient', id, caller: 'billing-service', requestId: 'msg-1' }),
    );
    expect(patient.id).toBe(id);
    const [byMessage] = await events();
    await request(app.getHttpServer()).get(`/fhir/local/Patient/${id}`).expect(200);
    const httpEvents = await events();
    expect(httpEvents).toHaveLength(1);
    expect(byMessage).toMatchObject({ eventType: 'fhir.read', correlationId: 'msg-1', payload: { resourceId: id } });
    expect(httpEvents[0]).toMatchObject({ eventType: 'fhir.read', payload: { resourceId: id } });

    const created = await firstValueFrom(
      client.send<Patient>('fhir.create', { resource: { resourceType: 'Patient', name: [{ family: 'ByMessage' }] } }),
    );
    expect(created.meta?.versionId).toBe('1');
    expect((await events()).map((e) => e.eventType)).toEqual(['fhir.create']);
  });

  it('answers FHIR errors as { status, outcome }, with a failure event', async () => {
    if (!available) return;
    await expect(
      firstValueFrom(client.send('fhir.read', { resourceType: 'Patient', id: 'missing' })),
    ).rejects.toMatchObject({
      status: 404,
      outcome: { resourceType: 'OperationOutcome', issue: [{ diagnostics: 'Patient/missing not found' }] },
    });
    expect((await events()).map((e) => [e.eventType, e.payload.outcome, e.payload.status])).toEqual([
      ['fhir.read', 'failure', 404],
    ]);
  });
});
