import type { INestApplication } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { EHREvent, EHREventType } from '@ehr-gateway/events';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { natsClient, natsTestGateway } from './support/nats-gateway';
import { describeWithService } from './support/services';

describeWithService('NATS', 'the gateway as a hybrid microservice (e2e)', () => {
  let app: INestApplication;
  let client: ClientProxy;
  let events: () => Promise<EHREvent[]>;
  let ns: string;

  beforeAll(async () => {
    ({ app, ns, events } = await natsTestGateway('gwtest'));
    client = await natsClient();
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('serves FHIR operations by message pattern through the same service: one event each, as over HTTP, with the caller', async () => {
    const bundle = await firstValueFrom(
      client.send<Bundle<Patient>>(`${ns}.fhir.search`, {
        resourceType: 'Patient',
        params: { _count: 1 },
        caller: 'billing-service',
      }),
    );
    const id = bundle.entry![0].resource!.id!;
    await events();

    const patient = await firstValueFrom(
      client.send<Patient>(`${ns}.fhir.read`, {
        resourceType: 'Patient',
        id,
        caller: 'billing-service',
        requestId: 'msg-1',
      }),
    );
    expect(patient.id).toBe(id);
    const [byMessage] = await events();
    await request(app.getHttpServer()).get(`/fhir/local/Patient/${id}`).expect(200);
    const httpEvents = await events();
    expect(httpEvents).toHaveLength(1);
    expect(byMessage).toMatchObject({ eventType: 'fhir.read', correlationId: 'msg-1', payload: { resourceId: id } });
    expect(httpEvents[0]).toMatchObject({ eventType: 'fhir.read', payload: { resourceId: id } });

    const created = await firstValueFrom(
      client.send<Patient>(`${ns}.fhir.create`, {
        resource: { resourceType: 'Patient', name: [{ family: 'ByMessage' }] },
      }),
    );
    expect(created.meta?.versionId).toBe('1');
    expect((await events()).map((e) => e.eventType)).toEqual(['fhir.create']);
  });

  it('answers FHIR errors as { status, outcome }, with a failure event', async () => {
    await expect(
      firstValueFrom(client.send(`${ns}.fhir.read`, { resourceType: 'Patient', id: 'missing' })),
    ).rejects.toMatchObject({
      status: 404,
      outcome: { resourceType: 'OperationOutcome', issue: [{ diagnostics: 'Patient/missing not found' }] },
    });
    expect((await events()).map((e) => [e.eventType, e.payload.outcome, e.payload.status])).toEqual([
      ['fhir.read', 'failure', 404],
    ]);
  });

  it('invokes CDS services by message pattern with the same validation and one event', async () => {
    const bundle = await firstValueFrom(
      client.send<Bundle<Patient>>(`${ns}.fhir.search`, { resourceType: 'Patient', params: { _count: 1 } }),
    );
    const patientId = bundle.entry![0].resource!.id!;
    await events();
    const response = await firstValueFrom(
      client.send<{ cards: unknown[] }>(`${ns}.cds.invoke`, {
        serviceId: 'vitals-review',
        request: { hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/1', patientId } },
        caller: 'ehr-integration',
        requestId: 'cds-msg-1',
      }),
    );
    expect(response.cards).toHaveLength(1);
    const cds = (await events()).filter((e) => e.eventType === EHREventType.CDS_PATIENT_VIEW);
    expect(cds).toEqual([
      expect.objectContaining({
        correlationId: 'cds-msg-1',
        payload: expect.objectContaining({ serviceId: 'vitals-review', outcome: 'success', cardCount: 1 }),
      }),
    ]);

    await expect(
      firstValueFrom(
        client.send(`${ns}.cds.invoke`, { serviceId: 'vitals-review', request: { hook: 'patient-view', context: {} } }),
      ),
    ).rejects.toMatchObject({
      status: 400,
      message: 'Invalid CDS Hooks request',
      details: expect.arrayContaining(['hookInstance must be a UUID']),
    });
    await events();
  });
});
