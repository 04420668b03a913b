import type { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

// Needs the NATS server the development machines and CI run (127.0.0.1:4222): without it this suite fails.
const NATS_URL = 'nats://127.0.0.1:4222';
const AUDIENCE = 'https://gateway.example.org/fhir';

/** A gateway on its own queue group and subject prefix, so that no other gateway on this NATS answers. */
async function messagingGateway(env: Record<string, string>) {
  const ns = `authz${randomUUID().slice(0, 8)}`;
  const app = await createTestGateway(
    { ...env, GATEWAY_TRANSPORT: NATS_URL, GATEWAY_TRANSPORT_QUEUE: ns, GATEWAY_TRANSPORT_SUBJECT_PREFIX: ns },
    [EventLogModule],
  );
  return { app, ns };
}

jest.setTimeout(60_000);

describe('message-pattern callers present their token in the message', () => {
  let authServer: SmartAuthorizationServer;
  let client: ClientProxy;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    for (const app of apps) await app.close();
    await authServer?.stop();
  });

  it('checks `authorization` like an HTTP call: 401 without, scopes and compartment with, the caller in the event', async () => {
    const { app, ns } = await messagingGateway(authServer.gatewayEnv());
    apps.push(app);
    const events = eventsOf(app);
    await expect(
      firstValueFrom(client.send(`${ns}.fhir.search`, { resourceType: 'Patient', params: { _count: 1 } })),
    ).rejects.toMatchObject({ status: 401 });

    const system = `Bearer ${await authServer.clientCredentialsToken('system/Patient.rs')}`;
    const bundle = await firstValueFrom(
      client.send<Bundle<Patient>>(`${ns}.fhir.search`, { resourceType: 'Patient', authorization: system }),
    );
    const [alice, bob] = bundle.entry!.map((entry) => entry.resource!.id!);
    await expect(
      firstValueFrom(client.send(`${ns}.fhir.search`, { resourceType: 'Observation', authorization: system })),
    ).rejects.toMatchObject({ status: 403 });

    const patientToken = `Bearer ${await authServer.authorizationCodeToken('launch/patient patient/Patient.r', alice)}`;
    const own = await firstValueFrom(
      client.send<Patient>(`${ns}.fhir.read`, { resourceType: 'Patient', id: alice, authorization: patientToken }),
    );
    expect(own.id).toBe(alice);
    await events();
    await expect(
      firstValueFrom(client.send(`${ns}.fhir.read`, { resourceType: 'Patient', id: bob, authorization: patientToken })),
    ).rejects.toMatchObject({ status: 403 });
    const [denied] = await events();
    expect(denied).toMatchObject({
      eventType: 'fhir.read',
      payload: { outcome: 'failure', status: 403 },
      metadata: { clientId: 'patient-app', patient: `Patient/${alice}`, authorization: { decision: 'deny' } },
    });
  });

  it('asks no token of callers on a trusted transport (GATEWAY_TRANSPORT_TRUSTED=true)', async () => {
    const { app, ns } = await messagingGateway({ ...authServer.gatewayEnv(), GATEWAY_TRANSPORT_TRUSTED: 'true' });
    apps.push(app);
    const bundle = await firstValueFrom(
      client.send<Bundle>(`${ns}.fhir.search`, { resourceType: 'Observation', params: { _count: 2 }, caller: 'etl' }),
    );
    expect(bundle.entry).toHaveLength(2);
  });
});
