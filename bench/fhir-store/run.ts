/**
 * bench:fhir-store — the embedded store at scale (issue 12 item 6):
 * load N synthetic patients through transactions, time one search per parameter
 * type and the search features against a read by id measured before and after
 * them (the A/A pair), page through 10,000 results, compare RSS after the load
 * with an empty store's (twice: A/A), and time a gateway restart to /health on
 * the loaded file against restarts on an empty one (twice: A/A).
 *
 *   npm run bench:fhir-store -- --patients=10000 --queries=100 [--concurrency=8] [--dir=<path>]
 *
 * `--concurrency`: transactions in flight during the load (a loader's usual
 * parallel uploads; the store's writer thread commits those that queue up
 * together). `--dir`: keep the store files there instead of a temporary
 * directory; a `loaded.sqlite` already there is reused (the load is skipped).
 * `--queries=0`: no searches (load, memory and restart only).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { startGatewayProcess } from '../support/gateway-process';
import { cpuSeconds, rssMegabytes } from '../support/percentiles';
import { SEARCHES } from './searches';
import { f, printSearchFigures } from './search-timing';
import type { WorkerResult } from './store-worker';

const option = (name: string) =>
  process.argv
    .find((arg) => arg.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');

function flag(name: string, fallback: number, least = 1): number {
  const value = Number(option(name) ?? fallback);
  if (!Number.isInteger(value) || value < least) throw new Error(`--${name} must be a whole number >= ${least}`);
  return value;
}

const PATIENTS = flag('patients', 100_000);
/** 0: no searches (load, memory and restart only). */
const QUERIES = flag('queries', 200, 0);
const CONCURRENCY = flag('concurrency', 8);
const KEPT = option('dir');
const dir = KEPT ?? mkdtempSync(join(tmpdir(), 'bench-fhir-store-'));
if (KEPT) mkdirSync(KEPT, { recursive: true });
const emptyFile = join(dir, 'empty.sqlite');
const loadedFile = join(dir, 'loaded.sqlite');
const reused = existsSync(loadedFile);

function worker(mode: 'open' | 'load' | 'search', path: string): Promise<WorkerResult> {
  const args = [mode, path, String(PATIENTS), String(QUERIES), String(CONCURRENCY)];
  const child = fork(join(__dirname, 'store-worker.ts'), args, {
    execArgv: ['-r', '@swc-node/register', '--expose-gc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as WorkerResult));
    child.once('exit', (code) => code !== 0 && reject(new Error(`store worker (${mode}) exited with ${code}`)));
  });
}

/** Starts the gateway on a store file; time from fork to the first 200 of /health, and RSS after a few searches. */
async function restart(path: string) {
  const start = process.hrtime.bigint();
  const gateway = await startGatewayProcess({ FHIR_STORE_PATH: path, FHIR_SEED_PATIENTS: '0' });
  try {
    while ((await fetch(`${gateway.url}/health`)).status !== 200);
    const healthSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const healthCpuSeconds = cpuSeconds(gateway.process.pid!);
    const base = `${gateway.url}/fhir/local`;
    const patients = (await (await fetch(`${base}/Patient?_count=5`)).json()) as Bundle;
    const context = { patientIds: (patients.entry ?? []).map((entry) => entry.resource!.id!), patients: PATIENTS };
    if (context.patientIds.length === 0) context.patientIds.push('none');
    for (const search of SEARCHES) await (await fetch(`${base}/${search.query(0, context)}`)).arrayBuffer();
    return { healthSeconds, healthCpuSeconds, rssMb: rssMegabytes(gateway.process.pid) };
  } finally {
    gateway.process.kill();
  }
}

void (async () => {
  try {
    console.log(
      `bench:fhir-store, ${PATIENTS.toLocaleString('en-US')} patients, ${QUERIES} timed queries per search, ` +
        `${CONCURRENCY} transactions in flight during the load`,
    );
    const emptyA = await worker('open', emptyFile);
    const loaded = await worker(reused ? 'search' : 'load', loadedFile);
    const emptyB = await worker('open', emptyFile);
    const reopened = await worker('open', loadedFile);

    if (loaded.load) {
      const { resources, seconds, cpuSeconds: loadCpu } = loaded.load;
      console.log(
        `\nLoad: ${f(resources, 0)} resources in ${f(seconds, 1)} s through ${f(PATIENTS, 0)} transactions ` +
          `(${CONCURRENCY} in flight): **${f(resources / seconds, 0)} resources/s** (target >= 5,000); ` +
          `${f(loadCpu, 1)} CPU s used (all threads): ${f(resources / loadCpu, 0)} resources per CPU second ` +
          '(less sensitive to the shared machine)',
      );
    } else console.log(`\nLoad: skipped, ${loadedFile} reused`);

    if (loaded.searches && loaded.paging) printSearchFigures(loaded.searches, loaded.paging);

    console.log(
      '\n| store process (in process, RSS after gc) | open to first answer (s) | RSS (MB) | RSS - empty (MB) |',
    );
    console.log('| --- | --- | --- | --- |');
    console.log(`| empty store | ${f(emptyA.openSeconds, 3)} | ${f(emptyA.rssMb, 0)} | |`);
    console.log(
      `| empty store again (A/A) | ${f(emptyB.openSeconds, 3)} | ${f(emptyB.rssMb, 0)} | ${f(emptyB.rssMb - emptyA.rssMb, 0)} |`,
    );
    console.log(
      `| ${loaded.load ? 'after the load (write-preparer thread alive)' : 'after opening (reused file)'} | | ${f(loaded.rssMb, 0)} | **${f(loaded.rssMb - emptyA.rssMb, 0)}** |`,
    );
    if (loaded.idleRssMb !== undefined) {
      console.log(
        `| after the load, preparer ended (idle) | | ${f(loaded.idleRssMb, 0)} | **${f(loaded.idleRssMb - emptyA.rssMb, 0)}** |`,
      );
    }
    console.log(
      `| reopened with ${f(PATIENTS, 0)} patients | ${f(reopened.openSeconds, 3)} | ${f(reopened.rssMb, 0)} | **${f(reopened.rssMb - emptyA.rssMb, 0)}** |`,
    );
    console.log('Target: RSS within 100 MB of the empty store, after the load and after a restart.');

    const restartEmptyA = await restart(emptyFile);
    const restartLoaded = await restart(loadedFile);
    const restartEmptyB = await restart(emptyFile);
    console.log(
      '\n| gateway restart on | start to /health 200 (s) | CPU s of the gateway by then | RSS after a few searches (MB) |',
    );
    console.log('| --- | --- | --- | --- |');
    const restartRow = (name: string, r: typeof restartEmptyA) =>
      console.log(`| ${name} | ${f(r.healthSeconds)} | ${f(r.healthCpuSeconds)} | ${f(r.rssMb, 0)} |`);
    restartRow('empty store', restartEmptyA);
    restartRow('empty store again (A/A)', restartEmptyB);
    restartRow(`${f(PATIENTS, 0)} patients`, restartLoaded);
    console.log(
      `Restart with data: ${f(restartLoaded.healthSeconds / restartEmptyA.healthSeconds)} x the empty store's time ` +
        `(target <= 5 s), RSS +${f(restartLoaded.rssMb - restartEmptyA.rssMb, 0)} MB (target <= +100 MB).`,
    );
  } finally {
    if (!KEPT) rmSync(dir, { recursive: true, force: true });
  }
})();
