import { withoutCredentials } from '@ehr-gateway/common';
import { errors } from '@nats-io/nats-core';
import { StartupFailure } from '@ehr-gateway/config';
import type { AuditConsumerOptions } from './audit-consumer.module';

/** A failure to bind the consumer as one line naming the key to fix, or `undefined` when it is no configuration problem. */
export function consumerStartupFailure(error: unknown, options: AuditConsumerOptions): StartupFailure | undefined {
  const broker = withoutCredentials(options.brokerUrl);
  if (error instanceof errors.ConnectionError) {
    return new StartupFailure(
      'EVENTS_BROKER_URL',
      `cannot connect to ${broker} (${error.message})`,
      "Start NATS there, or point EVENTS_BROKER_URL at the gateway's broker",
    );
  }
  if (error instanceof errors.AuthorizationError) {
    return new StartupFailure(
      'EVENTS_BROKER_URL',
      `NATS at ${broker} refused the credentials`,
      'Put the user and password NATS expects in the URL (nats://user:password@host:4222)',
    );
  }
  if ((error as Error)?.message === 'stream not found') {
    return new StartupFailure(
      'EVENTS_BROKER_STREAM',
      `no stream ${options.stream} at ${broker}`,
      'Start the gateway with the same EVENTS_BROKER_URL first (it creates the stream), or name its stream',
    );
  }
  return undefined;
}
