import { ConfigValidationError } from '@ehr-gateway/config';
import type { Params } from 'nestjs-pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The audit consumer logs like the gateway: readable single lines in development
 * (colour only on a terminal, never in a file), JSON in production, with the same
 * `NODE_ENV` and `LOG_LEVEL`.
 */
export function auditLoggerOptions(env: NodeJS.ProcessEnv = process.env): Params {
  const development = (env.NODE_ENV ?? 'development') === 'development';
  const level = env.LOG_LEVEL ?? (development ? 'debug' : 'info');
  if (!LEVELS.includes(level)) throw new ConfigValidationError([`LOG_LEVEL: must be one of ${LEVELS.join(', ')}`]);
  return {
    pinoHttp: {
      level,
      transport: development
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l' } }
        : undefined,
    },
  };
}
