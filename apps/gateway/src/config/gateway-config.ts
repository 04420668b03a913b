import { readFileSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { parse as parseYaml } from 'yaml';

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
] satisfies Array<keyof GatewayEnvironment>);
/** Keys whose values never appear in an error message. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['GATEWAY_API_KEYS']);

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
    Object.entries(parsed).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)]),
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
  return {
    port: parsed.PORT ?? 3000,
    host: parsed.HOST ?? '0.0.0.0',
    environment,
    logLevel: parsed.LOG_LEVEL ?? (environment === 'development' ? 'debug' : 'info'),
    apiKeys: parsed.GATEWAY_API_KEYS ?? [],
    events: { deliveryMode: parsed.EVENTS_DELIVERY ?? 'async', enabled: parsed.EVENTS_ENABLED ?? true },
    corsOrigins: parsed.CORS_ORIGINS ?? ['*'],
    bodyLimit: parsed.BODY_LIMIT ?? '1mb',
  };
}
