/**
 * The largest event-loop delay while the upstream backend receives and parses
 * one large body (45 MB: a Patient with one huge string, and a searchset
 * Bundle of small entries), beside the same for a small body (the A/A floor).
 * The upstream runs in a child process, so that only the gateway side is measured.
 *
 *   node -r @swc-node/register bench/upstream/large-body.ts [maxResponseMb]
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type SourceDefinition, UpstreamFhirBackend } from '@ehr-gateway/fhir';

const BODY_MB = 45;

function serve(): void {
  const patient = Buffer.from(`{"resourceType":"Patient","id":"big","x":"${'a'.repeat(BODY_MB * 1024 * 1024)}"}`);
  const entries: string[] = [];
  let size = 0;
  for (let i = 0; size < BODY_MB * 1024 * 1024; i++) {
    const entry = JSON.stringify({
      fullUrl: `http://127.0.0.1/R4/Observation/${i}`,
      resource: {
        resourceType: 'Observation',
        id: String(i),
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: `Patient/${i % 100}` },
        valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      },
    });
    entries.push(entry);
    size += entry.length + 1;
  }
  const bundle = Buffer.from(`{"resourceType":"Bundle","type":"searchset","entry":[${entries.join(',')}]}`);
  createServer((req, res) => {
    res.setHeader('content-type', 'application/fhir+json');
    if (req.url!.includes('Patient/big')) return res.end(patient);
    if (req.url!.includes('Observation?big')) return res.end(bundle);
    res.end('{"resourceType":"Patient","id":"small"}');
  }).listen(0, '127.0.0.1', function (this: import('node:net').Server) {
    process.send!((this.address() as import('node:net').AddressInfo).port);
  });
}

async function main(): Promise<void> {
  const maxMb = Number(process.argv[2] ?? 64);
  const child = fork(__filename, ['serve'], { execArgv: ['-r', '@swc-node/register'] });
  const port = await new Promise<number>((resolve) => child.once('message', (port) => resolve(port as number)));
  const source = {
    name: 'bench',
    baseUrl: `http://127.0.0.1:${port}/R4`,
    auth: { type: 'none' },
    timeoutMs: 120_000,
    maxRetries: 0,
    verifySsl: true,
    maxResponseBytes: maxMb * 1024 * 1024,
  } as SourceDefinition;
  const backend = new UpstreamFhirBackend(source);
  const measure = async (label: string, path: string) => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    const cpu = process.cpuUsage();
    histogram.enable();
    let outcome: string;
    try {
      const response = await backend.request({ method: 'GET', path });
      outcome = `HTTP ${response.status}`;
    } catch (error) {
      outcome = `${(error as { status?: number }).status}: ${(error as Error).message}`;
    }
    histogram.disable();
    const used = process.cpuUsage(cpu);
    console.log(
      `${label.padEnd(22)} max event-loop delay ${(histogram.max / 1e6).toFixed(0).padStart(5)} ms, ` +
        `CPU ${((used.user + used.system) / 1000).toFixed(0).padStart(5)} ms, ${outcome.slice(0, 80)}`,
    );
  };
  for (let round = 0; round < 2; round++) {
    await measure('small (A/A)', 'Patient/small');
    await measure('45 MB Patient', 'Patient/big');
    await measure('small (A/A)', 'Patient/small');
    await measure('45 MB Bundle', 'Observation?big=1');
  }
  await backend.close();
  child.kill();
}

if (process.argv[2] === 'serve') serve();
else void main();
