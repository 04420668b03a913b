import { CdsClientSigner } from './cds-client-signer';
import { gatewayFetch, refusedBy } from './gateway-client';
import type { SandboxOptions, Scenario } from './sandbox-options';
import {
  LoadStats,
  describeResult,
  formatLoadStats,
  formatSummary,
  loadStats,
  saveExchanges,
  summarize,
} from './sandbox-report';
import {
  DiscoveredService,
  SandboxRequest,
  cdaFromFile,
  cdsRequest,
  fhirRequest,
  generatedNote,
  noteReaderRequest,
} from './sandbox-requests';
import { SandboxResult, send } from './sandbox-runner';
import { EhrPatient, displayName, loadPatients } from './synthetic-ehr';

const HOOK_OF: Record<Exclude<Scenario, 'notereader' | 'all' | 'mixed'>, string> = {
  'patient-view': 'patient-view',
  'order-sign': 'order-sign',
  'order-select': 'order-select',
  'encounter-discharge': 'encounter-discharge',
};

export interface SandboxRun {
  results: SandboxResult[];
  load?: LoadStats[];
  exitCode: 0 | 1;
}

interface Planned {
  request: SandboxRequest;
  /** NoteReader: the document sent, to compare with the one returned. */
  document?: string;
}

/** A gateway that does not answer at all is named, with how to start one. */
async function reachGateway<T>(url: string, contact: Promise<T>): Promise<T> {
  try {
    return await contact;
  } catch (error) {
    // fetch's own failure (undici): a TypeError 'fetch failed' whose cause says why.
    const failure = error as { message?: string; cause?: { code?: string; message?: string } };
    if (failure?.message !== 'fetch failed') throw error;
    const reason = failure.cause?.code ?? failure.cause?.message ?? 'no connection';
    throw new Error(`no gateway answers at ${url} (${reason}): start one with npm start, or pass --url`, {
      cause: error,
    });
  }
}

async function discover(options: SandboxOptions, signer?: CdsClientSigner): Promise<DiscoveredService[]> {
  const url = `${options.url}/cds-services`;
  const headers: Record<string, string> = signer ? { authorization: `Bearer ${await signer.sign(url)}` } : {};
  const response = await gatewayFetch(options, '/cds-services', { headers });
  if (!response.ok) throw refusedBy(`CDS discovery at ${url}`, response);
  return ((await response.json()) as { services: DiscoveredService[] }).services;
}

async function plan(
  scenario: Scenario,
  options: SandboxOptions,
  services: DiscoveredService[],
  patients: EhrPatient[],
): Promise<Planned[]> {
  if (scenario === 'all') {
    const all: Planned[] = [];
    for (const each of ['patient-view', 'order-sign', 'order-select', 'encounter-discharge', 'notereader'] as const) {
      all.push(...(await plan(each, options, services, patients)));
    }
    return all;
  }
  if (scenario === 'mixed') {
    const fhir = patients.flatMap((ehr) => [
      { request: fhirRequest(`Patient/${ehr.patient.id}`, `read ${displayName(ehr.patient)}`) },
      {
        request: fhirRequest(
          `Observation?patient=${ehr.patient.id}&category=vital-signs`,
          `search ${displayName(ehr.patient)}`,
        ),
      },
    ]);
    const calls = [
      ...(await plan('patient-view', options, services, patients)),
      ...(await plan('order-sign', options, services, patients)),
    ];
    return [...fhir, ...calls, ...(await plan('notereader', options, services, patients))];
  }
  if (scenario === 'notereader') {
    if (options.cdaFiles.length > 0) {
      return options.cdaFiles.map((file, i) => {
        const document = cdaFromFile(file);
        return {
          request: noteReaderRequest(document, `notereader ${file.split('/').pop()}`, `sandbox-${i + 1}`),
          document,
        };
      });
    }
    return patients.map((ehr, i) => {
      const document = generatedNote(ehr);
      return {
        request: noteReaderRequest(document, `notereader ${displayName(ehr.patient)}`, `sandbox-${i + 1}`),
        document,
      };
    });
  }
  const hook = HOOK_OF[scenario];
  const service = services.find((candidate) => candidate.hook === hook);
  if (!service) throw new Error(`the gateway has no CDS service for ${hook}`);
  return Promise.all(
    patients.map(async (ehr) => ({ request: await cdsRequest(service, ehr, options.prefetch, options) })),
  );
}

async function runLoad(
  planned: Planned[],
  options: SandboxOptions,
  progress: (line: string) => void,
  signer?: CdsClientSigner,
): Promise<{ results: SandboxResult[]; seconds: number }> {
  const results: SandboxResult[] = [];
  const started = performance.now();
  progress(
    `load: ${options.concurrency} in flight, ${options.durationSeconds ? `for ${options.durationSeconds} s` : `${options.requests} requests`} against ${options.url}` +
      ' (the sandbox only reads from the store; NoteReader results come back in the responses, nothing is written to the store)',
  );
  const ticker = setInterval(() => {
    const failed = results.filter((result) => result.problem).length;
    progress(`load: ${results.length} done, ${failed} failed, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }, 1000);
  const deadline = options.durationSeconds ? Date.now() + options.durationSeconds * 1000 : Infinity;
  const limit = options.requests ?? Infinity;
  let next = 0;
  const worker = async () => {
    while (Date.now() < deadline && next < limit) {
      const item = planned[next++ % planned.length];
      results.push(await send(options, item.request, signer, item.document));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 10 }, worker)).finally(() => clearInterval(ticker));
  return { results, seconds: (performance.now() - started) / 1000 };
}

/** Plays the EHR: discovers the CDS services, reads patients, sends each scenario's calls and judges the answers. */
export async function runSandbox(
  options: SandboxOptions,
  print: (line: string) => void = console.log,
  /** Called when every request is planned (patients read, prefetch gathered) and the calls are about to start. */
  onStart?: () => void,
  /** Load mode's running count; on stderr by default, so that --json output stays one document. */
  progress: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<SandboxRun> {
  const signer = options.jwt ? new CdsClientSigner(options.jwksPort) : undefined;
  await signer?.start();
  try {
    const [services, patients] = await reachGateway(
      options.url,
      Promise.all([discover(options, signer), loadPatients(options, options.patients)]),
    );
    const planned = await plan(options.scenario, options, services, patients);
    let results: SandboxResult[];
    let load: LoadStats[] | undefined;
    onStart?.();
    if (options.concurrency) {
      const run = await runLoad(planned, options, progress, signer);
      results = run.results;
      load = loadStats(results, run.seconds);
    } else {
      results = [];
      for (const item of planned) {
        const result = await send(options, item.request, signer, item.document);
        results.push(result);
        if (!options.json) print(describeResult(result));
      }
    }
    if (options.outDir) saveExchanges(options.outDir, results);
    const exitCode = results.some((result) => result.problem) ? 1 : 0;
    if (options.json) {
      print(
        JSON.stringify(
          {
            summary: summarize(results),
            results: results.map(({ requestBody: _q, responseBody: _r, ...rest }) => rest),
            load,
            exitCode,
          },
          null,
          2,
        ),
      );
    } else {
      if (load) print(formatLoadStats(load));
      print(formatSummary(summarize(results)));
    }
    return { results, load, exitCode };
  } finally {
    await signer?.stop();
  }
}
