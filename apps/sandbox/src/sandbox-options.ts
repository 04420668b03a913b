import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { GatewayTarget } from './gateway-client';

export const SCENARIOS = [
  'patient-view',
  'order-sign',
  'order-select',
  'encounter-discharge',
  'notereader',
  'all',
  'mixed',
] as const;
export type Scenario = (typeof SCENARIOS)[number];
export type PrefetchMode = 'full' | 'partial' | 'none';

export interface SandboxOptions extends GatewayTarget {
  scenario: Scenario;
  patients: number;
  prefetch: PrefetchMode;
  cdaFiles: string[];
  outDir?: string;
  json: boolean;
  /** Sign CDS calls with the sandbox's own key, served as a JWK Set on `jwksPort`. */
  jwt: boolean;
  jwksPort: number;
  concurrency?: number;
  durationSeconds?: number;
  requests?: number;
}

export const USAGE = `usage: npm run sandbox -- <scenario> [options]

Plays an EHR against a running gateway (start one with npm start) and judges every answer.

scenarios:
  patient-view, order-sign, order-select, encounter-discharge   one CDS call per patient
  notereader           one signed note per patient, to the NoteReader SOAP endpoint
  all                  every scenario above
  mixed                FHIR reads and searches, patient-view and order-sign calls, notes (for load mode)

options:
  --url URL            the gateway (default http://localhost:3000)
  --api-key KEY        the gateway's API key, when it asks for one (default: $SANDBOX_API_KEY)
  --patients N         synthetic patients to play (default 5)
  --prefetch MODE      full | partial | none: the prefetch the EHR sends (default partial)
  --cda PATH           notereader: send this CDA file instead of generated notes (repeatable)
  --out DIR            save every request and response as files in DIR
  --json               machine-readable results and a summary, on stdout
  --jwt                sign CDS calls with the sandbox's own key
  --jwks-port PORT     where the sandbox serves its JWK Set with --jwt (default 3999)
  --concurrency C      load mode: C requests in flight (default 10)
  --duration S         load mode: for S seconds
  --requests N         load mode: N requests in all
  -h, --help           this help

The exit code is 1 when any answer breaks its protocol, 2 on bad arguments.`;

export class UsageError extends Error {}

/** `parseArgs`, with its refusals (an unknown option, a missing value) as usage errors. */
function parseOrThrowUsage<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`--${name} must be a positive whole number`);
  return number;
}

/** Every option the sandbox takes; each one is listed in USAGE. */
export const SANDBOX_OPTIONS = {
  url: { type: 'string', default: 'http://localhost:3000' },
  'api-key': { type: 'string' },
  patients: { type: 'string', default: '5' },
  prefetch: { type: 'string', default: 'partial' },
  cda: { type: 'string', multiple: true, default: [] },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  jwt: { type: 'boolean', default: false },
  'jwks-port': { type: 'string', default: '3999' },
  concurrency: { type: 'string' },
  duration: { type: 'string' },
  requests: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function parseSandboxArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SandboxOptions {
  const { values, positionals } = parseOrThrowUsage({
    args: argv,
    allowPositionals: true,
    options: SANDBOX_OPTIONS,
  });
  const scenario = positionals[0] as Scenario | undefined;
  if (!scenario || !SCENARIOS.includes(scenario)) throw new UsageError(`unknown scenario '${scenario ?? ''}'`);
  if (!['full', 'partial', 'none'].includes(values.prefetch))
    throw new UsageError('--prefetch must be full, partial or none');
  const concurrency = positive('concurrency', values.concurrency);
  const durationSeconds = positive('duration', values.duration);
  const requests = positive('requests', values.requests);
  if (concurrency && !durationSeconds && !requests) throw new UsageError('load mode needs --duration or --requests');
  return {
    scenario,
    url: values.url.replace(/\/+$/, ''),
    apiKey: values['api-key'] ?? env.SANDBOX_API_KEY,
    patients: positive('patients', values.patients)!,
    prefetch: values.prefetch as PrefetchMode,
    cdaFiles: values.cda,
    outDir: values.out,
    json: values.json,
    jwt: values.jwt,
    jwksPort: positive('jwks-port', values['jwks-port'])!,
    concurrency: concurrency ?? (durationSeconds || requests ? 10 : undefined),
    durationSeconds,
    requests,
  };
}
