import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { GatewayConfig } from './config/gateway-config';

/** Header and field paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.accessToken',
  '*.client_secret',
  '*.clientSecret',
  '*.apiKey',
  '*.password',
];

/** JSON logs in production; readable lines (pino-pretty) in development when it is installed. */
export function loggerOptions(config: GatewayConfig, requestId: (req: IncomingMessage) => string): Params {
  const pretty = config.gateway.environment === 'development' && isInstalled('pino-pretty');
  return {
    pinoHttp: {
      level: config.gateway.logLevel,
      genReqId: requestId,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      autoLogging: { ignore: (req) => req.url === '/health' },
      // Request lines carry the path only (a query string can hold PHI such as a name search),
      // and successful requests log at debug: PHI-bearing detail never reaches info-level logs.
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      transport: pretty
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l' } }
        : undefined,
    },
  };
}

function isInstalled(module: string): boolean {
  try {
    require.resolve(module);
    return true;
  } catch {
    return false;
  }
}
