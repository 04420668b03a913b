import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { Bundle } from '@medplum/fhirtypes';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import type { eventsOf } from './support/event-log';
import { NATS_URL, natsClient, natsTestGateway } from './support/nats-gateway';
import { describeWithService } from './support/services';

/** As text: JSON.stringify recurses, so no client library can serialize this; an attacker writes the bytes. */
const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describeWithService('NATS', 'Security: bounded message payloads over NATS (e2e)', () => {
  let ns: string;
  let app: INestApplication;
  let client: ClientProxy;
  let nc: NatsConnection;
  let events: ReturnType<typeof eventsOf>;
  jest.setTimeout(60_000);

  beforeAll(async () => {
    ({ app, ns, events } = await natsTestGateway('sec-depth-'));
    client = await natsClient();
    nc = await connect({ servers: NATS_URL });
  });
  afterAll(async () => {
    await nc.close();
    await client.close();
    await app.close();
  });

  it.each([
    [
      'a fhir.create resource',
      'fhir.create',
      `{"resource":{"resourceType":"Patient","extension":${deepJson(100_000)}}}`,
    ],
    [
      'a fhir.transaction bundle',
      'fhir.transaction',
      `{"bundle":{"resourceType":"Bundle","entry":${deepJson(100_000)}}}`,
    ],
    ['a cds.invoke request', 'cds.invoke', `{"serviceId":"vitals-review","request":{"context":${deepJson(100_000)}}}`],
  ])('100,000-deep JSON in %s: a 400 error, not a stack overflow, no operation run', async (_, pattern, data) => {
    // Nest's request packet, written by hand: { pattern, data, id }.
    const packet = `{"pattern":"${ns}.${pattern}","data":${data},"id":"${randomUUID()}"}`;
    const reply = await nc.request(`${ns}.${pattern}`, packet, { timeout: 20_000 });
    expect(reply.json()).toMatchObject({
      err: { status: 400, message: 'The message payload nests deeper than 100 levels' },
      isDisposed: true,
    });
    expect(await events()).toEqual([]);
    // The gateway still answers.
    const bundle = await firstValueFrom(
      client.send<Bundle>(`${ns}.fhir.search`, { resourceType: 'Patient', params: { _count: 1 } }),
    );
    expect(bundle.resourceType).toBe('Bundle');
    await events();
  });

  it('a payload at the depth limit is served as usual', async () => {
    // 100 levels exactly: the message envelope ({ pattern, data, id }) is level 1, the payload 2, its arrays 3 to 100.
    let nested: unknown = [];
    for (let wraps = 0; wraps < 97; wraps++) nested = [nested];
    const bundle = await firstValueFrom(
      client.send<{ resourceType: string }>(`${ns}.fhir.search`, {
        resourceType: 'Patient',
        params: { _count: 1 },
        padding: nested,
      }),
    );
    expect(bundle.resourceType).toBe('Bundle');
  });
});
