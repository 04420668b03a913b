import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

export interface GatewayProcess {
  url: string;
  process: ChildProcess;
}

/** Starts the gateway in its own process with the given environment; resolves with its base URL. */
export function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = fork(join(__dirname, 'gateway-server.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent', FHIR_STORE_PATH: ':memory:', ...env },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (url) => resolve({ url: url as string, process: child }));
    child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}`)));
  });
}
