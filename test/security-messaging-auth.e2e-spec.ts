import type { INestApplication } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { natsClient, natsTestGateway } from './support/nats-gateway';
import { describeWithService } from './support/services';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

const KEY = `msg-key-${randomUUID()}`;
const FORGED = 'Practitioner/chief-of-medicine';
const cdsCall = (patientId: string) => ({
  serviceId: 'vitals-review',
  request: { hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/1', patientId } },
});

jest.setTimeout(90_000);

describeWithService('NATS', 'Security: message patterns authenticate like HTTP (e2e, real NATS)', () => {
  let client: ClientProxy;
  const apps: INestApplication[] = [];

  beforeAll(async () => (client = await natsClient()));
  afterAll(async () => {
    await client?.close();
    for (const app of apps) await app.close();
  });

  describe('GATEWAY_AUTH=api-key: the key in `authorization: Bearer <key>`', () => {
    let ns: string;
    let events: Awaited<ReturnType<typeof natsTestGateway>>['events'];
    const send = <T>(pattern: string, data: object) => firstValueFrom(client.send<T>(`${ns}.${pattern}`, data));
    const withKey = { authorization: `Bearer ${KEY}` };

    beforeAll(async () => {
      const gateway = await natsTestGateway('msgauth', { GATEWAY_API_KEYS: KEY });
      apps.push(gateway.app);
      ({ ns, events } = gateway);
    });

    it.each([
      ['no credential', {}],
      ['a key that is not one', { authorization: 'Bearer not-a-key-of-this-gateway' }],
      ['the key without Bearer', { authorization: KEY }],
    ])('%s: 401 for every pattern, nothing run', async (_, credential) => {
      await events();
      for (const [pattern, data] of [
        ['fhir.search', { resourceType: 'Patient' }],
        ['fhir.read', { resourceType: 'Patient', id: '1' }],
        ['fhir.delete', { resourceType: 'Patient', id: '1' }],
        ['cds.invoke', cdsCall('1')],
      ] as const) {
        await expect(send(pattern, { ...data, ...credential })).rejects.toMatchObject({ status: 401 });
      }
      expect(await events()).toEqual([]);
    });

    it('with the key: served; the event names the key’s label, never the message’s `caller`', async () => {
      const bundle = await send<Bundle<Patient>>('fhir.search', {
        resourceType: 'Patient',
        params: { _count: 1 },
        caller: FORGED,
        ...withKey,
      });
      const id = bundle.entry![0].resource!.id!;
      await send('cds.invoke', { ...cdsCall(id), caller: FORGED, ...withKey });
      const recorded = await events();
      expect(recorded.length).toBeGreaterThanOrEqual(2);
      for (const event of recorded) expect(event.metadata).toMatchObject({ user: 'api-key#1' });
    });

    it.each([
      ['a search as an id (a conditional delete)', 'fhir.delete', { id: '?name=smith' }],
      ['a path as an id', 'fhir.read', { id: '../Observation' }],
      ['a query after an id', 'fhir.read', { id: '1?_format=xml' }],
      ['no id at all (a delete of the whole type)', 'fhir.delete', {}],
      ['an id that is not text', 'fhir.read', { id: { $ne: 1 } }],
    ])('%s: 400, no operation run', async (_, pattern, fields) => {
      const before = await send<Bundle>('fhir.search', {
        resourceType: 'Patient',
        params: { _summary: 'count' },
        ...withKey,
      });
      await expect(send(pattern, { resourceType: 'Patient', ...fields, ...withKey })).rejects.toMatchObject({
        status: 400,
        outcome: { resourceType: 'OperationOutcome' },
      });
      const after = await send<Bundle>('fhir.search', {
        resourceType: 'Patient',
        params: { _summary: 'count' },
        ...withKey,
      });
      expect(after.total).toBe(before.total);
      expect(before.total).toBeGreaterThan(0);
      await events();
    });
  });

  it('GATEWAY_TRANSPORT_TRUSTED=true: no credential asked, the message’s `caller` taken as said', async () => {
    const { app, ns, events } = await natsTestGateway('msgtrust', {
      GATEWAY_API_KEYS: KEY,
      GATEWAY_TRANSPORT_TRUSTED: 'true',
    });
    apps.push(app);
    await events();
    await firstValueFrom(
      client.send(`${ns}.fhir.search`, { resourceType: 'Patient', params: { _count: 1 }, caller: 'etl' }),
    );
    expect(await events()).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ user: 'etl' }) })]);
  });

  describe('GATEWAY_AUTH=smart: the token decides who the caller is', () => {
    const AUDIENCE = 'https://gateway.example.org/fhir';
    let authServer: SmartAuthorizationServer;
    let ns: string;
    let events: Awaited<ReturnType<typeof natsTestGateway>>['events'];

    beforeAll(async () => {
      authServer = await new SmartAuthorizationServer(AUDIENCE).start();
      const gateway = await natsTestGateway('msgsmart', authServer.gatewayEnv());
      apps.push(gateway.app);
      ({ ns, events } = gateway);
    });
    afterAll(async () => authServer?.stop());

    it('without a token: 401, and the failure event does not carry the forged caller', async () => {
      await events();
      await expect(
        firstValueFrom(client.send(`${ns}.fhir.search`, { resourceType: 'Patient', caller: FORGED })),
      ).rejects.toMatchObject({ status: 401 });
      const recorded = await events();
      expect(recorded).toHaveLength(1);
      expect(recorded[0].metadata?.user).toBeUndefined();
      await expect(
        firstValueFrom(client.send(`${ns}.cds.invoke`, { ...cdsCall('1'), caller: FORGED })),
      ).rejects.toMatchObject({ status: 401 });
    });

    it('with a token: the token’s client, not the message’s `caller`', async () => {
      const token = await authServer.clientCredentialsToken('system/Patient.rs');
      await events();
      await firstValueFrom(
        client.send(`${ns}.fhir.search`, {
          resourceType: 'Patient',
          params: { _count: 1 },
          caller: FORGED,
          authorization: `Bearer ${token}`,
        }),
      );
      const [event] = await events();
      expect(event.metadata).toMatchObject({ clientId: 'backend-service' });
      expect(event.metadata?.user).not.toBe(FORGED);
    });
  });
});
