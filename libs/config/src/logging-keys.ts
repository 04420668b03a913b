import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `NODE_ENV` and `LOG_LEVEL`, the same keys in every app's namespace (the gateway, the audit consumer). */
export const LOGGING_KEYS = {
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe('`development` logs readable lines at debug level; `production` JSON at info.'),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional().describe('Log level. Default: `debug` in development, `info` otherwise.'),
};

/** The log level an app runs at: `LOG_LEVEL`, else debug in development and info otherwise. */
export const logLevelOf = (keys: { NODE_ENV: string; LOG_LEVEL?: LogLevel }): LogLevel =>
  keys.LOG_LEVEL ?? (keys.NODE_ENV === 'development' ? 'debug' : 'info');
