import type { Request } from 'express';

/** The Express application setting that holds the gateway's public URL (`GATEWAY_PUBLIC_URL`). */
export const PUBLIC_URL_SETTING = 'ehr-gateway public url';

/**
 * The base of every absolute URL the gateway writes (Bundle links, `fullUrl`,
 * `Location`, the WSDL address, the CDS JWT audience), without a trailing slash:
 * the configured public URL; without one, the request's own origin, where
 * `X-Forwarded-Proto`/`-Host` count only when Express's `trust proxy` names the proxy.
 */
export function publicBaseUrl(request: Request): string {
  const configured = request.app.get(PUBLIC_URL_SETTING) as string | undefined;
  return configured ?? `${request.protocol}://${request.host}`;
}
