import type { Params } from 'nestjs-pino';
import type { AuditLogging } from './audit-consumer.config';

/**
 * The audit consumer logs like the gateway: readable single lines in development
 * (colour only on a terminal, never in a file), JSON in production.
 */
export function auditLoggerOptions({ development, level }: AuditLogging): Params {
  return {
    pinoHttp: {
      level,
      transport: development
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l' } }
        : undefined,
    },
  };
}
