import type { IncomingMessage } from 'node:http';
import { RESERVED_SOURCE_NAMES, UNKNOWN_SOURCE } from '@ehr-gateway/fhir';
import type { Params } from 'nestjs-pino';
import { type GatewayConfig, LOCAL_SOURCE } from './config/gateway-config';

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

/** Whether a CDS service id names a declared service (asked per logged request: services are discovered at start). */
export type CdsServiceExists = (id: string) => boolean;

/**
 * The path a request line logs: without its query string (it can hold PHI such as a name search), and with a
 * FHIR source name or CDS service id that names nothing replaced by `unknown` (it could be anything a caller
 * typed). Sources added at runtime (`FhirGateway.addSource`) log as `unknown` too.
 */
export function loggedPath(url: string, config: GatewayConfig, cdsServiceExists: CdsServiceExists): string {
  const path = url.split('?')[0];
  const sources = [LOCAL_SOURCE, ...Object.keys(config.fhir.sources), ...RESERVED_SOURCE_NAMES, '.well-known', ''];
  return (
    withUnknownSegment(path, config.fhir.basePath, (name) => sources.includes(name)) ??
    withUnknownSegment(path, config.cds.basePath, (id) => id === '' || cdsServiceExists(id)) ??
    path
  );
}

/** `path` under `/{basePath}/` with its first segment `unknown` when `known` refuses it; `undefined` when not under it. */
function withUnknownSegment(path: string, basePath: string, known: (segment: string) => boolean): string | undefined {
  const prefix = `/${basePath}/`;
  if (path.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
  const [segment, ...rest] = path.slice(prefix.length).split('/');
  return known(segment) ? path : [`${prefix}${UNKNOWN_SOURCE}`, ...rest].join('/');
}

/** JSON logs in production; readable lines (pino-pretty) in development when it is installed. */
export function loggerOptions(
  config: GatewayConfig,
  requestId: (req: IncomingMessage) => string,
  cdsServiceExists: CdsServiceExists,
): Params {
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
          path: loggedPath(req.url, config, cdsServiceExists),
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
