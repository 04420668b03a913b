import { connect } from 'node:net';

/**
 * Whether a service the tests need is listening. Elsewhere a missing service
 * skips its tests with a one-line notice; under `CI=true` it is a failure.
 */
export async function serviceAvailable(name: string, host: string, port: number): Promise<boolean> {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (reachable) return true;
  if (process.env.CI === 'true')
    throw new Error(`${name} is not reachable at ${host}:${port} (required under CI=true)`);
  console.log(`skipping tests that need ${name}: nothing listens at ${host}:${port}`);
  return false;
}
