import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

export interface GatewayProcess {
  url: string;
  process: ChildProcess;
}

/**
 * Starts the gateway (or another server script that reports its URL over IPC)
 * in its own process with the given environment; resolves with its base URL.
 */
export function startGatewayProcess(
  env: Record<string, string>,
  script = join(__dirname, 'gateway-server.ts'),
): Promise<GatewayProcess> {
  const child = fork(script, [], {
    execArgv: ['-r', '@swc-node/register'],
    env: {
      ...process.env,
      // Not `production`, which needs inbound authentication and a public URL: a benchmark gateway listens
      // on loopback with a port chosen at start. Logs are silenced either way.
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      FHIR_STORE_PATH: ':memory:',
      CDS_FEEDBACK_PATH: ':memory:',
      ...env,
    },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (url) => resolve({ url: url as string, process: child }));
    child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}`)));
  });
}
