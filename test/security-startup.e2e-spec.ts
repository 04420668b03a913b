import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'apps', 'gateway', 'src', 'main.ts');
const EMBEDDED = { FHIR_STORE_PATH: ':memory:', FHIR_SEED_PATIENTS: '0', CDS_FEEDBACK_PATH: ':memory:', PORT: '0' };

/** Runs the gateway's main.ts until it exits or prints `until`; answers its exit code and output. */
function runGateway(env: Record<string, string>, until?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      env: { PATH: process.env.PATH, ...EMBEDDED, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (until && output.includes(until)) child.kill('SIGTERM');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('Security: start-up refuses an unauthenticated production configuration', () => {
  it('exits 78 naming the keys when production has no inbound authentication', async () => {
    const { code, output } = await runGateway({
      NODE_ENV: 'production',
      GATEWAY_PUBLIC_URL: 'https://gateway.example.org',
    });
    expect(code).toBe(78);
    expect(output).toContain('GATEWAY_AUTH / GATEWAY_API_KEYS: production needs inbound authentication');
  }, 60_000);

  it('in development, starts and logs one clear warning', async () => {
    const { output } = await runGateway({ NODE_ENV: 'development', LOG_LEVEL: 'info' }, 'ehr-gateway started on');
    expect(output).toContain('ehr-gateway started on');
    expect(output.match(/No inbound authentication/g)).toHaveLength(1);
  }, 60_000);
});
