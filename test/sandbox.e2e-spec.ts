import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { SANDBOX_OPTIONS, USAGE, parseSandboxArgs, wantsHelp } from '../apps/sandbox/src/sandbox-options';
import { runSandbox } from '../apps/sandbox/src/sandbox';
import { isAllergicToPenicillin, loadPatients } from '../apps/sandbox/src/synthetic-ehr';
import { createTestGateway } from './support/gateway-app';
import { unusedPort } from './support/ports';

describe('sandbox (e2e)', () => {
  let app: INestApplication;
  let url: string;
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  const run = (args: string) => runSandbox(parseSandboxArgs([...args.split(' '), '--url', url]), print);

  beforeAll(async () => {
    app = await createTestGateway({ FHIR_SEED_PATIENTS: '4' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => app.close());
  beforeEach(() => lines.splice(0));

  it('order-sign: a critical card with a delete suggestion exactly for the penicillin-allergic patients', async () => {
    const result = await run('order-sign --patients 4 --prefetch none');
    expect(result.exitCode).toBe(0);
    const allergic = (await loadPatients({ url }, 4)).map(isAllergicToPenicillin);
    expect(allergic).toContain(true);
    expect(allergic).toContain(false);
    result.results.forEach((r, i) => {
      if (allergic[i]) {
        expect(r.cards).toEqual([
          expect.objectContaining({
            indicator: 'critical',
            suggestions: [expect.stringMatching(/^Remove the order for amoxicillin/)],
          }),
        ]);
      } else {
        expect(r.cards).toEqual([]);
      }
    });
    expect(lines.at(-1)).toMatch(/^4 request\(s\), 0 failed; \d+ card\(s\), \d+ critical/);
  });

  it.each(['full', 'partial', 'none'])(
    'patient-view, order-select and encounter-discharge answer to the specification with prefetch %s',
    async (prefetch) => {
      for (const scenario of ['patient-view', 'order-select', 'encounter-discharge']) {
        const result = await run(`${scenario} --patients 2 --prefetch ${prefetch}`);
        expect(result.exitCode).toBe(0);
        expect(result.results).toHaveLength(2);
        expect(result.results.every((r) => r.status === 200 && r.problem === undefined)).toBe(true);
      }
    },
  );

  it('notereader: generated notes come back with the problems they mention added, and saves every exchange', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sandbox-out-'));
    const result = await run(`notereader --patients 2 --out ${out}`);
    expect(result.exitCode).toBe(0);
    for (const r of result.results) expect(r.conditionsAdded).toEqual(expect.arrayContaining(['Chest pain', 'Cough']));
    expect(readdirSync(out).sort()).toHaveLength(4);
  });

  it('all, as JSON, and in load mode with per-endpoint figures', async () => {
    const all = await run('all --patients 1 --json');
    expect(all.exitCode).toBe(0);
    const report = JSON.parse(lines.join('\n'));
    expect(report.results).toHaveLength(5);
    // One call per scenario; the generated note mentions chest pain and cough.
    expect(report.summary).toEqual(
      expect.objectContaining({ requests: 5, failed: 0, conditionsAdded: expect.any(Number) }),
    );
    expect(report.summary.conditionsAdded).toBeGreaterThanOrEqual(2);
    lines.splice(0);
    const progress: string[] = [];
    const load = await runSandbox(
      parseSandboxArgs(['patient-view', '--patients', '2', '--concurrency', '4', '--requests', '40', '--url', url]),
      print,
      undefined,
      (line) => progress.push(line),
    );
    expect(progress[0]).toBe(
      `load: 4 in flight, 40 requests against ${url} (the sandbox only reads from the store; NoteReader results come back in the responses, nothing is written to the store)`,
    );
    expect(load.results).toHaveLength(40);
    expect(load.load).toEqual([
      expect.objectContaining({ endpoint: 'POST /cds-services/vitals-review', requests: 40, errors: 0 }),
    ]);
    expect(lines.join('\n')).toMatch(/\| POST \/cds-services\/vitals-review \| 40 \|/);
  });

  it('exits 1 on a protocol error and fails on an unreachable gateway', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-cda-')), 'not-cda.xml');
    writeFileSync(file, '<note>not a CDA document</note>');
    const faulted = await run(`notereader --cda ${file}`);
    expect(faulted.exitCode).toBe(1);
    expect(faulted.results[0].problem).toMatch(/^SOAP fault: Document is not a usable CDA document/);
    const port = await unusedPort();
    await expect(
      runSandbox(parseSandboxArgs(['patient-view', '--url', `http://127.0.0.1:${port}`]), print),
    ).rejects.toThrow(
      `no gateway answers at http://127.0.0.1:${port} (ECONNREFUSED): start one with npm start, or pass --url`,
    );
  });

  it('signs its CDS calls with its own key when the gateway verifies JWTs', async () => {
    const jwksPort = await unusedPort();
    const secured = await createTestGateway({
      FHIR_SEED_PATIENTS: '2',
      CDS_JWT_ENABLED: 'true',
      CDS_JWT_ISSUERS: JSON.stringify({
        [`http://127.0.0.1:${jwksPort}`]: `http://127.0.0.1:${jwksPort}/.well-known/jwks.json`,
      }),
    });
    try {
      await secured.listen(0, '127.0.0.1');
      const securedUrl = await secured.getUrl();
      const signed = await runSandbox(
        parseSandboxArgs([
          'order-sign',
          '--patients',
          '2',
          '--jwt',
          '--jwks-port',
          String(jwksPort),
          '--url',
          securedUrl,
        ]),
        print,
      );
      expect(signed.exitCode).toBe(0);
      await expect(runSandbox(parseSandboxArgs(['order-sign', '--url', securedUrl]), print)).rejects.toThrow(
        /answered HTTP 401/,
      );
    } finally {
      await secured.close();
    }
  });

  it('sends the API key a guarded gateway asks for, and says which option gives it when it is missing', async () => {
    const KEY = 'sandbox-test-key-0123456789';
    const guarded = await createTestGateway({ FHIR_SEED_PATIENTS: '2', GATEWAY_API_KEYS: KEY });
    try {
      await guarded.listen(0, '127.0.0.1');
      const guardedUrl = await guarded.getUrl();
      const args = ['all', '--patients', '2', '--url', guardedUrl];
      await expect(runSandbox(parseSandboxArgs(args, {}), print)).rejects.toThrow(
        `CDS discovery at ${guardedUrl}/cds-services answered HTTP 401: the gateway wants an API key, pass --api-key (or SANDBOX_API_KEY)`,
      );
      const withOption = await runSandbox(parseSandboxArgs([...args, '--api-key', KEY], {}), print);
      expect(withOption.exitCode).toBe(0);
      expect(withOption.results).toHaveLength(10);
      const fromEnvironment = await runSandbox(parseSandboxArgs(args, { SANDBOX_API_KEY: KEY }), print);
      expect(fromEnvironment.exitCode).toBe(0);
    } finally {
      await guarded.close();
    }
  });

  it('load mode writes nothing to the store, NoteReader notes included', async () => {
    const conditions = async () =>
      ((await (await fetch(`${url}/fhir/local/Condition?_count=1000`)).json()) as { entry?: unknown[] }).entry
        ?.length ?? 0;
    const before = await conditions();
    const load = await runSandbox(
      parseSandboxArgs(['mixed', '--patients', '2', '--concurrency', '2', '--requests', '20', '--url', url]),
      print,
      undefined,
      () => undefined,
    );
    expect(load.results.filter((r) => r.conditionsAdded !== undefined).length).toBeGreaterThan(0);
    expect(await conditions()).toBe(before);
  });

  it('documents every option in its usage, and prints it for --help and -h', () => {
    for (const option of Object.keys(SANDBOX_OPTIONS)) expect(USAGE).toContain(`--${option} `);
    const main = join(__dirname, '..', 'apps', 'sandbox', 'src', 'main.ts');
    expect(wantsHelp(['order-sign', '--help'])).toBe(true);
    const help = spawnSync(process.execPath, ['-r', '@swc-node/register', main, '-h'], { encoding: 'utf8' });
    expect({ status: help.status, stdout: help.stdout, stderr: help.stderr }).toEqual({
      status: 0,
      stdout: `${USAGE}\n`,
      stderr: '',
    });
  });

  it('refuses bad arguments', () => {
    expect(() => parseSandboxArgs(['patient-view', '--verbose'])).toThrow(/Unknown option '--verbose'/);
    expect(() => parseSandboxArgs(['dance'])).toThrow(/unknown scenario 'dance'/);
    expect(() => parseSandboxArgs(['patient-view', '--prefetch', 'some'])).toThrow(/--prefetch must be/);
    expect(() => parseSandboxArgs(['patient-view', '--concurrency', '4'])).toThrow(
      /load mode needs --duration or --requests/,
    );
  });
});
