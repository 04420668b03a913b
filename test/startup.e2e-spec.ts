import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unusedPort } from './support/ports';

// Each case boots the real main.ts through @swc-node/register: seconds on a loaded machine.
jest.setTimeout(60_000);

const MAIN = join(__dirname, '..', 'apps', 'gateway', 'src', 'main.ts');
const QUIET = {
  NODE_ENV: 'production',
  GATEWAY_AUTH: 'none',
  GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000',
  LOG_LEVEL: 'info',
  FHIR_STORE_PATH: ':memory:',
  FHIR_SEED_PATIENTS: '0',
  CDS_FEEDBACK_PATH: ':memory:',
};

interface Exit {
  code: number | null;
  stderrLines: string[];
}

/** Runs the gateway's real main.ts as `npm start` would, until it exits. */
function runGateway(env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      env: { PATH: process.env.PATH, ...QUIET, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderrLines: stderr.split('\n').filter(Boolean) }));
  });
}

describe('gateway start-up failures: one actionable line, exit code 78', () => {
  it('reports a non-numeric PORT once, as not an integer', async () => {
    const { code, stderrLines } = await runGateway({ PORT: 'abc' });
    expect(code).toBe(78);
    expect(stderrLines.filter((line) => line.includes('PORT'))).toEqual(['  - PORT="abc": must be an integer']);
  });

  it('names PORT and a free port to use when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderrLines } = await runGateway({ PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(78);
      expect(stderrLines).toEqual([
        `PORT: port ${port} is already in use (is another gateway running?). Stop the other process or choose a free port, e.g. PORT=${port + 1} npm start`,
      ]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('names GATEWAY_TRANSPORT and its URL when nothing answers there', async () => {
    const url = `nats://127.0.0.1:${await unusedPort()}`;
    const { code, stderrLines } = await runGateway({ PORT: String(await unusedPort()), GATEWAY_TRANSPORT: url });
    expect(code).toBe(78);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(new RegExp(`^GATEWAY_TRANSPORT: cannot connect to ${url} \\(.+\\)\\. `));
    expect(stderrLines[0]).toContain('unset GATEWAY_TRANSPORT');
  });

  it('names FHIR_STORE_PATH when the store file is a directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'store-'));
    const { code, stderrLines } = await runGateway({ PORT: String(await unusedPort()), FHIR_STORE_PATH: directory });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      `FHIR_STORE_PATH: ${directory} is not a file. Point FHIR_STORE_PATH at a writable file, or use :memory:`,
    ]);
  });
});

describe('gateway start-up banner', () => {
  it('says "started" only once the port answers, with the URLs a user needs', async () => {
    const port = await unusedPort();
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      env: { PATH: process.env.PATH, ...QUIET, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = stdout.split('\n').find((text) => text.includes('ehr-gateway started on'));
          if (line) resolve((JSON.parse(line) as { msg: string }).msg);
        });
        child.on('exit', (code) => reject(new Error(`the gateway exited with ${code} before its banner`)));
      });
      // Asked at once, before anything else can happen: the port is already open.
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const base = `http://127.0.0.1:${port}`;
      expect(banner.split('\n')).toEqual([
        `ehr-gateway started on ${base}`,
        `  console       ${base}/`,
        `  API docs      ${base}/docs`,
        `  FHIR base     ${base}/fhir/local`,
        `  CDS discovery ${base}/cds-services`,
        `  NoteReader    ${base}/notereader?wsdl`,
        `  try it        npm run sandbox -- all --url ${base}`,
      ]);
    } finally {
      child.kill();
    }
  });
});
