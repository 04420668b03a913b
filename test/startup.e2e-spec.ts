import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript, startScript } from './support/node-script';
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

interface LogLine {
  level: number;
  msg: string;
  context?: string;
}

/** The gateway's real main.ts, as `npm start` runs it, until it exits. */
const runGateway = (env: Record<string, string>) => runScript(MAIN, { ...QUIET, ...env });

/** The gateway's real main.ts, started; `until` waits for a JSON log line on stdout. */
function startGateway(env: Record<string, string>) {
  const gateway = startScript(MAIN, { ...QUIET, ...env });
  return {
    stop: gateway.stop,
    until: async (match: (line: LogLine) => boolean) =>
      (await gateway.until((line) => match(JSON.parse(line) as LogLine))).map((line) => JSON.parse(line) as LogLine),
  };
}

const DEBUG = 20;
const WARN = 40;

describe('gateway start-up failures: one actionable line, exit code 78', () => {
  it('reports a non-numeric PORT once, as not an integer, and each bad key on its own line', async () => {
    const { code, stderrLines } = await runGateway({ PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      'Invalid gateway configuration:',
      '  - PORT="abc": must be an integer',
      expect.stringMatching(/^ {2}- LOG_LEVEL="loud": .*"debug"/),
    ]);
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

  it('names CDS_JWT_REPLAY_REDIS_URL, without its password, when no Redis answers there', async () => {
    const closed = await unusedPort();
    const { code, stderrLines } = await runGateway({
      PORT: String(await unusedPort()),
      CDS_JWT_ENABLED: 'true',
      CDS_JWT_ISSUERS: JSON.stringify({ 'https://ehr.example': 'https://ehr.example/jwks.json' }),
      CDS_JWT_REPLAY_REDIS_URL: `redis://:pa55word@127.0.0.1:${closed}`,
    });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      `CDS_JWT_REPLAY_REDIS_URL: cannot reach Redis at redis://127.0.0.1:${closed} (ECONNREFUSED). Start Redis there, or unset CDS_JWT_REPLAY_REDIS_URL to remember CDS JWT ids in this process only (one instance)`,
    ]);
  });

  it('names FHIR_STORE_PATH when the store file is a directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'store-'));
    const { code, stderrLines } = await runGateway({ PORT: String(await unusedPort()), FHIR_STORE_PATH: directory });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      `FHIR_STORE_PATH: ${directory} is not a file. Point FHIR_STORE_PATH at a writable file, or use :memory:`,
    ]);
  });

  it('names FHIR_STORE_PATH and store:reset when the store file is no SQLite database', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'notes.txt');
    writeFileSync(path, 'not a database\n');
    const { code, stderrLines } = await runGateway({ PORT: String(await unusedPort()), FHIR_STORE_PATH: path });
    expect(code).toBe(78);
    expect(stderrLines).toEqual([
      `FHIR_STORE_PATH: ${path} is not a SQLite database. Point FHIR_STORE_PATH at a writable file, or use :memory: (npm run store:reset recreates the development store)`,
    ]);
  });
});

describe('gateway start-up with an unreachable EVENTS_BROKER_URL', () => {
  it('starts anyway and says so once: the key, the URL without credentials, the fix', async () => {
    const port = await unusedPort();
    const closed = await unusedPort();
    const gateway = startGateway({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      EVENTS_BROKER_URL: `nats://audit:pa55word@127.0.0.1:${closed}`,
      EVENTS_OUTBOX_PATH: ':memory:',
    });
    try {
      // The second attempt (after a 500 ms backoff) logs at debug: by then the first has warned.
      const lines = await gateway.until((line) => line.msg.startsWith('NATS still unreachable'));
      expect(lines.some((line) => line.msg.startsWith('ehr-gateway started on'))).toBe(true);
      const warnings = lines.filter((line) => line.level === WARN && line.context === 'EventBroker');
      expect(warnings.map((line) => line.msg)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^EVENTS_BROKER_URL: NATS at nats://127\\.0\\.0\\.1:${closed} unreachable \\(.+\\); events wait in the outbox and are published once it answers\\. Start NATS there, or unset EVENTS_BROKER_URL to keep events in the process$`,
          ),
        ),
      ]);
      expect(lines.find((line) => line.msg.startsWith('NATS still unreachable'))?.level).toBe(DEBUG);
      expect(JSON.stringify(lines)).not.toContain('pa55word');
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      gateway.stop();
    }
  });
});

describe('gateway start-up banner', () => {
  it('says "started" only once the port answers, with the URLs a user needs', async () => {
    const port = await unusedPort();
    const gateway = startGateway({ PORT: String(port), HOST: '127.0.0.1' });
    try {
      const lines = await gateway.until((line) => line.msg.startsWith('ehr-gateway started on'));
      const banner = lines.at(-1)!.msg;
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
      gateway.stop();
    }
  });
});

describe('request log lines', () => {
  it('name a made-up FHIR source or CDS service id as "unknown" and drop the query string', async () => {
    const port = await unusedPort();
    const gateway = startGateway({ PORT: String(port), HOST: '127.0.0.1' });
    const PHI = 'JaneDoe-19800101';
    try {
      await gateway.until((line) => line.msg.startsWith('ehr-gateway started on'));
      const base = `http://127.0.0.1:${port}`;
      const call = { hook: 'patient-view', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: {} };
      const invoke = await fetch(`${base}/cds-services/${PHI}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(call),
      });
      expect(invoke.status).toBe(404);
      expect((await fetch(`${base}/fhir/${PHI}/Patient?name=${PHI}`)).status).toBe(404);

      const requestLines = (await gateway.until((line) => requestPath(line)?.startsWith('/fhir/') ?? false)).filter(
        (line) => requestPath(line) !== undefined,
      );
      expect(requestLines.map(requestPath)).toEqual(['/cds-services/unknown', '/fhir/unknown/Patient']);
      expect(JSON.stringify(requestLines)).not.toContain(PHI);
    } finally {
      gateway.stop();
    }
  });
});

/** The path of a pino-http request line (`req.path`), if `line` is one. */
const requestPath = (line: LogLine & { req?: { path?: string } }) => line.req?.path;
