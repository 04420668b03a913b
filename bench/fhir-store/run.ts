/**
 * bench:fhir-store — the embedded store at scale (issue 12 item 6):
 * load N synthetic patients through transactions, time one search per parameter
 * type and the search features against a read by id measured before and after
 * them (the A/A pair), page through 10,000 results, compare RSS after the load
 * with an empty store's (twice: A/A), and time a gateway restart to /health on
 * the loaded file against restarts on an empty one (twice: A/A).
 *
 *   npm run bench:fhir-store -- --patients=10000 --queries=100
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { startGatewayProcess } from '../support/gateway-process';
import { cpuSeconds, rssMegabytes } from '../support/percentiles';
import { SEARCHES } from './searches';
import { f, printSearchFigures } from './search-timing';
import type { WorkerResult } from './store-worker';

function flag(name: string, fallback: number): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const value = Number(given ? given.split('=')[1] : fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const PATIENTS = flag('patients', 100_000);
const QUERIES = flag('queries', 200);
const dir = mkdtempSync(join(tmpdir(), 'bench-fhir-store-'));
const emptyFile = join(dir, 'empty.sqlite');
const loadedFile = join(dir, 'loaded.sqlite');

function worker(mode: 'open' | 'load', path: string): Promise<WorkerResult> {
  const child = fork(join(__dirname, 'store-worker.ts'), [mode, path, String(PATIENTS), String(QUERIES)], {
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
    console.log(`bench:fhir-store, ${PATIENTS.toLocaleString('en-US')} patients, ${QUERIES} timed queries per search`);
    const emptyA = await worker('open', emptyFile);
    const loaded = await worker('load', loadedFile);
    const emptyB = await worker('open', emptyFile);
    const reopened = await worker('open', loadedFile);
    const { resources, seconds, cpuSeconds: loadCpu } = loaded.load!;

    console.log(
      `\nLoad: ${f(resources, 0)} resources in ${f(seconds, 1)} s through ${f(PATIENTS, 0)} transactions: ` +
        `**${f(resources / seconds, 0)} resources/s** (target >= 5,000); ` +
        `${f(loadCpu, 1)} CPU s used: ${f(resources / loadCpu, 0)} resources per CPU second (less sensitive to the shared machine)`,
    );

    printSearchFigures(loaded.searches!, loaded.paging!);

    console.log(
      '\n| store process (in process, RSS after gc) | open to first answer (s) | RSS (MB) | RSS - empty (MB) |',
    );
    console.log('| --- | --- | --- | --- |');
    console.log(`| empty store | ${f(emptyA.openSeconds, 3)} | ${f(emptyA.rssMb, 0)} | |`);
    console.log(
      `| empty store again (A/A) | ${f(emptyB.openSeconds, 3)} | ${f(emptyB.rssMb, 0)} | ${f(emptyB.rssMb - emptyA.rssMb, 0)} |`,
    );
    console.log(`| after the load | | ${f(loaded.rssMb, 0)} | **${f(loaded.rssMb - emptyA.rssMb, 0)}** |`);
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
    rmSync(dir, { recursive: true, force: true });
  }
})();
