import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';

/** The console's own files: HTML, CSS and ES modules, no build step. */
const PUBLIC_DIR = join(__dirname, 'public');
export const CONSOLE_PAGE = join(PUBLIC_DIR, 'index.html');

/** Browser builds of the libraries the console imports, served from node_modules as they ship. */
const VENDOR_MODULES = new Map([
  ['marked.js', join(dirname(require.resolve('marked')), 'marked.esm.js')],
  ['purify.js', join(dirname(require.resolve('dompurify')), 'purify.es.mjs')],
  ['eventsource-parser.js', join(dirname(require.resolve('eventsource-parser')), 'index.js')],
  ['oauth4webapi.js', require.resolve('oauth4webapi')],
]);

/**
 * Same-origin scripts and styles only, no inline script or style, no framing;
 * data goes only to this gateway and, when the console signs in with SMART, to
 * the authorization server's token endpoint. Stricter than the API's headers,
 * set on the console's own responses.
 */
export class ConsoleSecurityHeaders {
  readonly middleware: ReturnType<typeof helmet>;

  /** @param tokenOrigins origins the page may call besides its own (the SMART token endpoint's) */
  constructor(tokenOrigins: string[] = []) {
    this.middleware = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", ...tokenOrigins],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    });
  }
}

/**
 * Serves the console's files under `/console/` (the page at `/` is
 * `ConsolePageController`'s). The files hold no data and are public;
 * everything they show comes from the API with the caller's credentials.
 */
export function mountConsole(app: NestExpressApplication): void {
  const headers = app.get(ConsoleSecurityHeaders, { strict: false }).middleware;
  app.use('/console', headers);
  app.use('/console/vendor', (request: express.Request, response: express.Response, next: express.NextFunction) => {
    // A Map: a name such as `constructor` or `__proto__` is no module (a plain object would answer its prototype's).
    const file = VENDOR_MODULES.get(request.path.slice(1));
    if (!file || request.method !== 'GET') return next();
    response.type('text/javascript').sendFile(file);
  });
  app.use('/console', express.static(PUBLIC_DIR, { index: false, fallthrough: true }));
  const expressApp = app.getHttpAdapter().getInstance();
  expressApp.get('/', headers, (_request: express.Request, response: express.Response) =>
    response.sendFile(join(PUBLIC_DIR, 'index.html')),
  );
}
