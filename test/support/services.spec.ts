import { createServer } from 'node:net';
import { probeTestServices } from './services';
import { unusedPort } from './ports';

describe('probeTestServices (the Jest global setup)', () => {
  let server: ReturnType<typeof createServer>;
  let services: Record<string, { host: string; port: number }>;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    services = {
      Up: { host: '127.0.0.1', port: (server.address() as { port: number }).port },
      Down: { host: '127.0.0.1', port: await unusedPort() },
    };
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('records only the services that answer, and says which are missing', async () => {
    const env: NodeJS.ProcessEnv = {};
    const notices: string[] = [];
    await probeTestServices(services, env, (line) => notices.push(line));
    expect(env.EHR_TEST_AVAILABLE_SERVICES).toBe('Up');
    expect(notices).toEqual([
      `Not reachable: Down at 127.0.0.1:${services.Down.port}. The suites that need it are reported as skipped.`,
    ]);
  });

  it('fails the run under CI=true when a service is missing', async () => {
    const env: NodeJS.ProcessEnv = { CI: 'true' };
    await expect(probeTestServices(services, env, () => undefined)).rejects.toThrow(
      `CI=true and nothing listens for Down at 127.0.0.1:${services.Down.port}: start it (see .ci/run)`,
    );
    expect(env.EHR_TEST_AVAILABLE_SERVICES).toBeUndefined();
  });
});
