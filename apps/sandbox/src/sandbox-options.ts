import { parseArgs } from 'node:util';

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

export interface SandboxOptions {
  scenario: Scenario;
  url: string;
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

export const USAGE = `usage: npm run sandbox -- <${SCENARIOS.join('|')}> [options]
  (mixed: FHIR reads and searches, patient-view and order-sign calls, NoteReader notes; for load mode)
  --url URL            the gateway (default http://localhost:3000)
  --patients N         synthetic patients to play (default 5)
  --prefetch MODE      full | partial | none (default partial)
  --cda PATH           NoteReader: send these CDA files (repeatable) instead of generated notes
  --out DIR            save every request and response
  --json               machine-readable results
  --jwt                sign CDS calls; the JWK Set is served on --jwks-port (default 3999)
  --concurrency C      load mode: C requests in flight
  --duration S         load mode: for S seconds
  --requests N         load mode: N requests in all`;

export class UsageError extends Error {}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new UsageError(`--${name} must be a positive whole number`);
  return number;
}

export function parseSandboxArgs(argv: string[]): SandboxOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
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
    },
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
