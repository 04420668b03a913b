import type { INestApplication } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';
import { natsClient, natsTestGateway } from './support/nats-gateway';
import { describeWithService } from './support/services';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const AUDIENCE = 'https://gateway.example.org/fhir';

jest.setTimeout(60_000);

describeWithService('NATS', 'message-pattern callers present their token in the message', () => {
  let authServer: SmartAuthorizationServer;
  let client: ClientProxy;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    client = await natsClient();
  });
  afterAll(async () => {
    await client?.close();
    for (const app of apps) await app.close();
    await authServer?.stop();
  });

  it('checks `authorization` like an HTTP call: 401 without, scopes and compartment with, the caller in the event', async () => {
    const { app, ns, events } = await natsTestGateway('authz', authServer.gatewayEnv());
    apps.push(app);
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
    const { app, ns } = await natsTestGateway('authz', {
      ...authServer.gatewayEnv(),
      GATEWAY_TRANSPORT_TRUSTED: 'true',
    });
    apps.push(app);
    const bundle = await firstValueFrom(
      client.send<Bundle>(`${ns}.fhir.search`, { resourceType: 'Observation', params: { _count: 2 }, caller: 'etl' }),
    );
    expect(bundle.entry).toHaveLength(2);
  });
});
