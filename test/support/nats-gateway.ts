import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { EventLogModule, eventsOf } from './event-log';
import { createTestGateway } from './gateway-app';
import { TEST_SERVICES } from './services';

export const NATS_URL = `nats://${TEST_SERVICES.NATS.host}:${TEST_SERVICES.NATS.port}`;

/**
 * A test gateway serving message patterns on NATS under its own queue group and
 * subject prefix (`ns`, from `prefix`), so that no other gateway on the same
 * server answers this suite's calls; its events are recorded.
 */
export async function natsTestGateway(
  prefix: string,
  env: Record<string, string> = {},
): Promise<{ app: INestApplication; ns: string; events: ReturnType<typeof eventsOf> }> {
  const ns = `${prefix}${randomUUID().slice(0, 8)}`;
  const app = await createTestGateway(
    { ...env, GATEWAY_TRANSPORT: NATS_URL, GATEWAY_TRANSPORT_QUEUE: ns, GATEWAY_TRANSPORT_SUBJECT_PREFIX: ns },
    [EventLogModule],
  );
  return { app, ns, events: eventsOf(app) };
}

/** A connected Nest NATS client, as a host app's microservice would call the gateway. */
export async function natsClient(): Promise<ClientProxy> {
  const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [NATS_URL] } });
  await client.connect();
  return client;
}
