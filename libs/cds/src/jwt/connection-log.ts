import type { EventEmitter } from 'node:events';

/** Where connection changes are logged (Nest's `Logger` fits). */
export interface ConnectionLogger {
  error(message: string): void;
  log(message: string): void;
}

/**
 * Logs a client's connection trouble once per outage: the first error, then
 * the recovery when the client is `ready` again; the errors of each retry in
 * between are not logged again. `name` says which connection it is.
 */
export function logConnectionChanges(client: EventEmitter, logger: ConnectionLogger, name: string): void {
  let failing = false;
  client.on('error', (error: Error) => {
    if (failing) return;
    failing = true;
    logger.error(`${name}: ${error.message} (retrying; the recovery will be logged)`);
  });
  client.on('ready', () => {
    if (!failing) return;
    failing = false;
    logger.log(`${name}: reachable again`);
  });
}
