import { createClient } from 'redis';
import { describeWithService } from '../../../../test/support/services';
import { logConnectionChanges } from './connection-log';

/** A logger that keeps what it was told. */
function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    error: (message: string) => lines.push(`error ${message}`),
    log: (message: string) => lines.push(`log ${message}`),
  };
}

describeWithService('Redis', 'logConnectionChanges', () => {
  it('logs the first failure of an outage once, however many retries fail', async () => {
    const logger = recordingLogger();
    let retries = 0;
    // Nothing listens on port 1: every attempt fails until the client gives up.
    const client = createClient({
      url: 'redis://127.0.0.1:1',
      socket: { reconnectStrategy: (attempt) => ((retries = attempt) < 3 ? 10 : new Error('gave up')) },
    });
    logConnectionChanges(client, logger, 'Replay store (Redis)');
    await expect(client.connect()).rejects.toThrow();
    expect(retries).toBe(3);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^error Replay store \(Redis\): .*ECONNREFUSED/);
  });

  it('logs a dropped connection once and its recovery once', async () => {
    const logger = recordingLogger();
    const client = createClient({ url: 'redis://127.0.0.1:6379', socket: { reconnectStrategy: () => 10 } });
    const admin = createClient({ url: 'redis://127.0.0.1:6379' });
    logConnectionChanges(client, logger, 'Replay store (Redis)');
    await client.connect();
    await admin.connect();
    try {
      // The server drops this one client (by its own id, no other client is touched).
      const id = await client.clientId();
      // (Not `events.once`: that rejects on the 'error' the drop emits first.)
      const ready = new Promise((resolve) => client.once('ready', resolve));
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
      await ready;
      expect(logger.lines).toEqual([
        expect.stringMatching(/^error Replay store \(Redis\): /),
        'log Replay store (Redis): reachable again',
      ]);
    } finally {
      await client.close();
      await admin.close();
    }
  });
});
