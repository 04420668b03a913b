import { readFileSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { SourceConfigError, resolveSource } from '@ehr-gateway/fhir';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/** The configuration keys, as they appear in the environment and in the optional YAML file. */
class GatewayEnvironment {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  HOST?: string;

  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  @Matches(/^\S{16,}$/, {
    each: true,
    message: 'GATEWAY_API_KEYS: each key must be at least 16 characters without spaces',
  })
  GATEWAY_API_KEYS?: string[];

  @IsOptional()
  @IsIn(['async', 'strict'])
  EVENTS_DELIVERY?: 'async' | 'strict';

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  EVENTS_ENABLED?: boolean;

  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  CORS_ORIGINS?: string[];

  @IsOptional()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 512kb or 5mb' })
  BODY_LIMIT?: string;

  /** JSON object of source name -> connection string or base URL. */
  @IsOptional()
  @IsString()
  FHIR_SOURCES?: string;

  @IsOptional()
  @IsString()
  FHIR_DEFAULT_SOURCE?: string;

  @IsOptional()
  @IsString()
  FHIR_STORE_PATH?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(0)
  @Max(100_000)
  FHIR_SEED_PATIENTS?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  FHIR_ALLOW_INSECURE_HTTP?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  FHIR_EVENTS_INCLUDE_RESOURCE?: boolean;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9/_-]*$/, { message: 'CDS_BASE_PATH must be a path without leading slash' })
  CDS_BASE_PATH?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  CDS_JWT_ENABLED?: boolean;

  /** JSON object of issuer -> JWK Set URL. */
  @IsOptional()
  @IsString()
  CDS_JWT_ISSUERS?: string;

  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  CDS_JWT_ALLOWED_JKU_HOSTS?: string[];

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'CDS_JWT_REPLAY_REDIS_URL must be a redis:// or rediss:// URL' })
  CDS_JWT_REPLAY_REDIS_URL?: string;

  @IsOptional()
  @Transform(toList)
  @IsString({ each: true })
  CDS_ALLOWED_FHIR_SERVER_HOSTS?: string[];

  @IsOptional()
  @IsString()
  CDS_PREFETCH_SOURCE?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(100)
  @Max(60_000)
  CDS_PREFETCH_TIMEOUT_MS?: number;

  @IsOptional()
  @IsString()
  CDS_FEEDBACK_PATH?: string;

  @IsOptional()
  @Matches(/^(nats|tls):\/\/\S+$/, { message: 'EVENTS_BROKER_URL must be a nats:// or tls:// URL' })
  EVENTS_BROKER_URL?: string;

  @IsOptional()
  @Matches(/^nats:\/\/\S+$/, { message: 'GATEWAY_TRANSPORT must be a nats:// URL' })
  GATEWAY_TRANSPORT?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'EVENTS_BROKER_STREAM must be a JetStream stream name' })
  EVENTS_BROKER_STREAM?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'EVENTS_BROKER_SUBJECT_PREFIX must be one subject token' })
  EVENTS_BROKER_SUBJECT_PREFIX?: string;

  @IsOptional()
  @IsString()
  EVENTS_OUTBOX_PATH?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1)
  EVENTS_OUTBOX_CAPACITY?: number;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(60)
  EVENTS_BROKER_MAX_AGE_SECONDS?: number;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  EVENTS_BROKER_INCLUDE_RESOURCE?: boolean;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9/_-]*$/, { message: 'NOTEREADER_PATH must be a path without leading slash' })
  NOTEREADER_PATH?: string;

  @IsOptional()
  @IsIn(['fault', 'error-element'])
  NOTEREADER_HANDLER_ERRORS?: 'fault' | 'error-element';

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  NOTEREADER_MAX_DOCUMENT_BYTES?: number;

  // --- console and observability (issues 14 and 15) ---
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  CONSOLE_ENABLED?: boolean;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === undefined ? value : Number(value)))
  @IsInt()
  @Min(0)
  @Max(100_000)
  CONSOLE_REPLAY_EVENTS?: number;
}

export interface GatewayConfig {
  port: number;
  host: string;
  environment: 'development' | 'production' | 'test';
  logLevel: LogLevel;
  /** Empty: no API-key guard. */
  apiKeys: string[];
  events: { deliveryMode: 'async' | 'strict'; enabled: boolean };
  /** `['*']` allows any origin. */
  corsOrigins: string[];
  bodyLimit: string;
  fhir: {
    /** Upstream sources by name (connection strings or base URLs), validated. */
    sources: Record<string, string>;
    defaultSource: string;
    storePath: string;
    seedPatients: number;
    allowInsecureHttp: boolean;
    includeResourceInEvents: boolean;
  };
  cds: {
    basePath: string;
    jwt: {
      enabled: boolean;
      issuers: Record<string, { jwksUrl: string }>;
      allowedJkuHosts: string[];
      replayRedisUrl?: string;
    };
    allowedFhirServerHosts: string[];
    prefetchSource?: string;
    prefetchTimeoutMs: number;
    feedbackPath: string;
  };
  notereader: { path: string; handlerErrors: 'fault' | 'error-element'; maxDocumentBytes: number };
  /** NATS URL of the microservice transport; absent: HTTP only. */
  transport?: string;
  /** Absent: events stay in the process. */
  broker?: {
    url: string;
    stream: string;
    subjectPrefix: string;
    outboxPath: string;
    outboxCapacity: number;
    maxAgeSeconds: number;
    includeResource: boolean;
  };
  /** The web console at `/` and its live event stream. */
  console: { enabled: boolean; replayEvents: number };
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid gateway configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'PORT',
  'HOST',
  'NODE_ENV',
  'LOG_LEVEL',
  'GATEWAY_API_KEYS',
  'EVENTS_DELIVERY',
  'EVENTS_ENABLED',
  'CORS_ORIGINS',
  'BODY_LIMIT',
  'FHIR_SOURCES',
  'FHIR_DEFAULT_SOURCE',
  'FHIR_STORE_PATH',
  'FHIR_SEED_PATIENTS',
  'FHIR_ALLOW_INSECURE_HTTP',
  'FHIR_EVENTS_INCLUDE_RESOURCE',
  'CDS_BASE_PATH',
  'CDS_JWT_ENABLED',
  'CDS_JWT_ISSUERS',
  'CDS_JWT_ALLOWED_JKU_HOSTS',
  'CDS_JWT_REPLAY_REDIS_URL',
  'CDS_ALLOWED_FHIR_SERVER_HOSTS',
  'CDS_PREFETCH_SOURCE',
  'CDS_PREFETCH_TIMEOUT_MS',
  'CDS_FEEDBACK_PATH',
  'EVENTS_BROKER_URL',
  'GATEWAY_TRANSPORT',
  'EVENTS_BROKER_STREAM',
  'EVENTS_BROKER_SUBJECT_PREFIX',
  'EVENTS_OUTBOX_PATH',
  'EVENTS_OUTBOX_CAPACITY',
  'EVENTS_BROKER_MAX_AGE_SECONDS',
  'EVENTS_BROKER_INCLUDE_RESOURCE',
  'NOTEREADER_PATH',
  'NOTEREADER_HANDLER_ERRORS',
  'NOTEREADER_MAX_DOCUMENT_BYTES',
  'CONSOLE_ENABLED',
  'CONSOLE_REPLAY_EVENTS',
] satisfies Array<keyof GatewayEnvironment>);
/** Keys whose values never appear in an error message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['GATEWAY_API_KEYS', 'FHIR_SOURCES', 'CDS_JWT_REPLAY_REDIS_URL']);

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigValidationError([`GATEWAY_CONFIG_FILE: cannot read ${path} (${(error as Error).message})`]);
  }
  const parsed: unknown = parseYaml(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigValidationError([`GATEWAY_CONFIG_FILE: ${path} must hold a mapping of configuration keys`]);
  }
  const unknown = Object.keys(parsed).filter((key) => !KNOWN_KEYS.has(key) && key !== 'GATEWAY_CONFIG_FILE');
  if (unknown.length > 0) {
    throw new ConfigValidationError(unknown.map((key) => `${key}: unknown key in ${path}`));
  }
  return Object.fromEntries(
    Object.entries(parsed).map(([key, value]) => [
      key,
      Array.isArray(value)
        ? value.join(',')
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : String(value),
    ]),
  );
}

/**
 * Reads the configuration from the environment over the optional YAML file
 * (`GATEWAY_CONFIG_FILE`) and validates it. Throws `ConfigValidationError`
 * naming every bad key.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const file = env.GATEWAY_CONFIG_FILE ? readConfigFile(env.GATEWAY_CONFIG_FILE) : {};
  const raw: Record<string, unknown> = { ...file };
  for (const key of KNOWN_KEYS) if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];

  const parsed = plainToInstance(GatewayEnvironment, raw);
  const errors = validateSync(parsed, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map((error) => {
        const messages = Object.values(error.constraints ?? {});
        const shown = SECRET_KEYS.has(error.property) ? '<redacted>' : JSON.stringify(raw[error.property]);
        return `${error.property}=${shown}: ${messages.join('; ')}`;
      }),
    );
  }
  const environment = parsed.NODE_ENV ?? 'development';
  const allowInsecureHttp = parsed.FHIR_ALLOW_INSECURE_HTTP ?? false;
  const sources = parseFhirSources(parsed.FHIR_SOURCES, allowInsecureHttp);
  const defaultSource = parsed.FHIR_DEFAULT_SOURCE ?? LOCAL_SOURCE;
  if (defaultSource !== LOCAL_SOURCE && !(defaultSource in sources)) {
    throw new ConfigValidationError([`FHIR_DEFAULT_SOURCE="${defaultSource}": not the name of a configured source`]);
  }
  const cdsIssuers = parseIssuers(parsed.CDS_JWT_ISSUERS);
  const cdsJwtEnabled = parsed.CDS_JWT_ENABLED ?? false;
  if (cdsJwtEnabled && Object.keys(cdsIssuers).length === 0) {
    throw new ConfigValidationError(['CDS_JWT_ENABLED=true: CDS_JWT_ISSUERS must allow-list at least one issuer']);
  }
  const prefetchSource = parsed.CDS_PREFETCH_SOURCE;
  if (prefetchSource !== undefined && prefetchSource !== LOCAL_SOURCE && !(prefetchSource in sources)) {
    throw new ConfigValidationError([`CDS_PREFETCH_SOURCE="${prefetchSource}": not the name of a configured source`]);
  }
  return {
    port: parsed.PORT ?? 3000,
    host: parsed.HOST ?? '0.0.0.0',
    environment,
    logLevel: parsed.LOG_LEVEL ?? (environment === 'development' ? 'debug' : 'info'),
    apiKeys: parsed.GATEWAY_API_KEYS ?? [],
    events: { deliveryMode: parsed.EVENTS_DELIVERY ?? 'async', enabled: parsed.EVENTS_ENABLED ?? true },
    corsOrigins: parsed.CORS_ORIGINS ?? ['*'],
    bodyLimit: parsed.BODY_LIMIT ?? '1mb',
    fhir: {
      sources,
      defaultSource,
      storePath: parsed.FHIR_STORE_PATH ?? './data/fhir-store.sqlite',
      seedPatients: parsed.FHIR_SEED_PATIENTS ?? 100,
      allowInsecureHttp,
      includeResourceInEvents: parsed.FHIR_EVENTS_INCLUDE_RESOURCE ?? false,
    },
    cds: {
      basePath: parsed.CDS_BASE_PATH ?? 'cds-services',
      jwt: {
        enabled: cdsJwtEnabled,
        issuers: cdsIssuers,
        allowedJkuHosts: parsed.CDS_JWT_ALLOWED_JKU_HOSTS ?? [],
        replayRedisUrl: parsed.CDS_JWT_REPLAY_REDIS_URL,
      },
      allowedFhirServerHosts: parsed.CDS_ALLOWED_FHIR_SERVER_HOSTS ?? [],
      prefetchSource,
      prefetchTimeoutMs: parsed.CDS_PREFETCH_TIMEOUT_MS ?? 3000,
      feedbackPath: parsed.CDS_FEEDBACK_PATH ?? './data/cds-feedback.sqlite',
    },
    transport: parsed.GATEWAY_TRANSPORT,
    broker: parsed.EVENTS_BROKER_URL
      ? {
          url: parsed.EVENTS_BROKER_URL,
          stream: parsed.EVENTS_BROKER_STREAM ?? 'EHR_EVENTS',
          subjectPrefix: parsed.EVENTS_BROKER_SUBJECT_PREFIX ?? 'ehr',
          outboxPath: parsed.EVENTS_OUTBOX_PATH ?? './data/events-outbox.sqlite',
          outboxCapacity: parsed.EVENTS_OUTBOX_CAPACITY ?? 100_000,
          maxAgeSeconds: parsed.EVENTS_BROKER_MAX_AGE_SECONDS ?? 7 * 24 * 3600,
          includeResource: parsed.EVENTS_BROKER_INCLUDE_RESOURCE ?? false,
        }
      : undefined,
    notereader: {
      path: parsed.NOTEREADER_PATH ?? 'notereader',
      handlerErrors: parsed.NOTEREADER_HANDLER_ERRORS ?? 'fault',
      maxDocumentBytes: parsed.NOTEREADER_MAX_DOCUMENT_BYTES ?? 5 * 1024 * 1024,
    },
    console: { enabled: parsed.CONSOLE_ENABLED ?? true, replayEvents: parsed.CONSOLE_REPLAY_EVENTS ?? 1000 },
  };
}

/** The embedded store's source name. */
export const LOCAL_SOURCE = 'local';

/** A configuration value that holds a JSON object (`{}` when absent). */
function parseJsonObject(key: string, value: string | undefined, shape: string): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigValidationError([`${key}: must be a JSON object of ${shape}`]);
  }
  return parsed as Record<string, unknown>;
}

/**
 * `FHIR_SOURCES`: a JSON object of name -> connection string. Each is resolved
 * now so that a bad source stops the boot; messages name the source, never its secret.
 */
function parseFhirSources(value: string | undefined, allowInsecureHttp: boolean): Record<string, string> {
  const parsed = parseJsonObject('FHIR_SOURCES', value, 'source name to connection string');
  const problems: string[] = [];
  for (const [name, connection] of Object.entries(parsed)) {
    if (name === LOCAL_SOURCE) problems.push(`FHIR_SOURCES: '${LOCAL_SOURCE}' is the embedded store's name`);
    else if (typeof connection !== 'string')
      problems.push(`FHIR_SOURCES: source '${name}' must be a connection string`);
    else {
      try {
        resolveSource(name, connection, allowInsecureHttp);
      } catch (error) {
        if (!(error instanceof SourceConfigError)) throw error;
        problems.push(`FHIR_SOURCES: ${error.message}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return parsed as Record<string, string>;
}

/** `CDS_JWT_ISSUERS`: a JSON object of issuer -> JWK Set URL (https, or http on loopback). */
function parseIssuers(value: string | undefined): Record<string, { jwksUrl: string }> {
  const parsed = parseJsonObject('CDS_JWT_ISSUERS', value, 'issuer to JWK Set URL');
  const problems: string[] = [];
  const issuers: Record<string, { jwksUrl: string }> = {};
  for (const [issuer, url] of Object.entries(parsed)) {
    let valid: boolean;
    try {
      const parsedUrl = new URL(String(url));
      valid = parsedUrl.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(parsedUrl.hostname);
    } catch {
      valid = false;
    }
    if (valid) issuers[issuer] = { jwksUrl: String(url) };
    else problems.push(`CDS_JWT_ISSUERS: issuer '${issuer}' needs an https JWK Set URL`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return issuers;
}
