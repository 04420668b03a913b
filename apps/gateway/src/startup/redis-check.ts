import { withoutCredentials } from '@ehr-gateway/common';
import { createClient } from 'redis';
import { StartupFailure } from '@ehr-gateway/config';

const CONNECT_TIMEOUT_MS = 5000;

/**
 * Checks, before the gateway is composed, that the Redis at `url` answers PING:
 * the CDS JWT verifier refuses to start without its replay store, and would
 * otherwise end the start in a stack trace. Throws a `StartupFailure` naming `key`.
 */
export async function checkRedis(key: string, url: string): Promise<void> {
  const client = createClient({
    url,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false },
  }).on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    throw new StartupFailure(
      key,
      `cannot reach Redis at ${withoutCredentials(url)} (${code ?? message ?? 'no answer'})`,
      `Start Redis there, or unset ${key} to remember CDS JWT ids in this process only (one instance)`,
    );
  } finally {
    if (client.isOpen) await client.close();
  }
}
