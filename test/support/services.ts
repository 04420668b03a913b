import { connect } from 'node:net';

/** The servers some suites need, where CI (`.ci/run`) starts them. */
export const TEST_SERVICES = {
  NATS: { host: '127.0.0.1', port: 4222 },
  Redis: { host: '127.0.0.1', port: 6379 },
} as const;
export type TestService = keyof typeof TEST_SERVICES;

/** Where Jest's global setup leaves the answer for the test files (workers inherit the environment). */
const AVAILABLE_SERVICES_VARIABLE = 'EHR_TEST_AVAILABLE_SERVICES';

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
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
}

/**
 * Run once by Jest's global setup: probes every service and records which answer
 * in `env`. Under `CI=true` a missing service fails the run here, before any suite starts.
 */
export async function probeTestServices(
  services: Record<string, { host: string; port: number }> = TEST_SERVICES,
  env: NodeJS.ProcessEnv = process.env,
  notice: (line: string) => void = console.log,
): Promise<void> {
  const names = Object.keys(services);
  const up = await Promise.all(names.map((name) => listening(services[name].host, services[name].port)));
  const missing = names.filter((_, i) => !up[i]);
  const where = (name: string) => `${name} at ${services[name].host}:${services[name].port}`;
  if (missing.length > 0 && env.CI === 'true') {
    throw new Error(`CI=true and nothing listens for ${missing.map(where).join(', ')}: start it (see .ci/run)`);
  }
  for (const name of missing) notice(`Not reachable: ${where(name)}. The suites that need it are reported as skipped.`);
  env[AVAILABLE_SERVICES_VARIABLE] = names.filter((_, i) => up[i]).join(',');
}

function available(service: TestService): boolean {
  const recorded = process.env[AVAILABLE_SERVICES_VARIABLE];
  if (recorded === undefined)
    throw new Error('test/support/global-setup.ts did not run: start Jest with jest.config.js');
  return recorded.split(',').includes(service);
}

/** `describe`, or `describe.skip` (reported as skipped) when the global setup found `service` missing. */
export function describeWithService(service: TestService, name: string, suite: () => void): void {
  (available(service) ? describe : describe.skip)(`${name} [needs ${service}]`, suite);
}

/** `it`, or `it.skip` (reported as skipped) when the global setup found `service` missing. */
export function itWithService(service: TestService, name: string, test: () => Promise<void>, timeout?: number): void {
  (available(service) ? it : it.skip)(`${name} [needs ${service}]`, test, timeout);
}
