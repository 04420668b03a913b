import type { NestExpressApplication } from '@nestjs/platform-express';
import { PUBLIC_URL_SETTING } from '@ehr-gateway/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { GatewayConfig } from '../config/gateway-config';

const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-API-Key',
  'X-Request-Id',
  'X-Session-Id',
  'If-Match',
  'If-None-Match',
  'If-None-Exist',
  'Prefer',
];
const CORS_EXPOSED_HEADERS = ['X-Request-Id', 'ETag', 'Location', 'Last-Modified'];

/**
 * Every response may carry PHI (FHIR, CDS cards, NoteReader documents, events),
 * so none may be kept by a browser or a shared cache: each read must reach the
 * gateway, which records it.
 */
function noStore(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * Cross-origin access: none unless `CORS_ORIGINS` lists origins (exact
 * matches, never a reflected `Origin`, never `null`); `*` only when set
 * explicitly, and then without credentials.
 */
function corsOptions(origins: string[]) {
  const common = { allowedHeaders: CORS_ALLOWED_HEADERS, exposedHeaders: CORS_EXPOSED_HEADERS };
  if (origins.includes('*')) return { ...common, origin: '*', credentials: false };
  return { ...common, origin: origins.length > 0 ? origins : false };
}

/**
 * The gateway's HTTP front: which proxies are trusted, the public URL every
 * absolute URL comes from, security headers (helmet), no caching, and CORS.
 */
export function applyHttpSecurity(app: NestExpressApplication, config: GatewayConfig): void {
  app.set('trust proxy', config.gateway.trustProxy ?? false);
  if (config.gateway.publicUrl) app.set(PUBLIC_URL_SETTING, config.gateway.publicUrl);
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { frameAncestors: ["'none'"] } },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: config.gateway.publicUrl?.startsWith('https://') ? { maxAge: 31_536_000 } : false,
    }),
  );
  app.use(noStore);
  app.enableCors(corsOptions(config.gateway.corsOrigins));
}
