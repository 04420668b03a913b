import type { LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter: one line per module loaded and per route mapped. */
const BOOTSTRAP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
  'ClsModule',
]);

/**
 * Passes every line on to the gateway's logger, except Nest's start-up chatter,
 * which goes one level below debug (pino `trace`, `LOG_LEVEL=trace` shows it):
 * development runs at debug to show events and requests, and start-up ends on
 * the banner. A failed `listen()` is reported by main.ts as one line, so Nest's
 * own copy of that error is demoted too. The audit consumer logs through it as well.
 */
export class BootstrapQuietLogger implements LoggerService {
  constructor(private readonly logger: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    if (isBootstrapChatter(params)) this.logger.verbose?.(message, ...params);
    else this.logger.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    if (isBootstrapChatter(params) && typeof message === 'string' && message.startsWith('Error: listen ')) {
      this.logger.verbose?.(message, ...params);
    } else this.logger.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    if (isBootstrapChatter(params)) this.logger.verbose?.(message, ...params);
    else this.logger.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.logger.fatal?.(message, ...params);
  }
}

function isBootstrapChatter(params: unknown[]): boolean {
  const context = params.at(-1);
  return typeof context === 'string' && BOOTSTRAP_CONTEXTS.has(context);
}
