import type { Bundle, BundleEntry, BundleLink } from '@medplum/fhirtypes';
import type { FhirResponse } from '../interfaces/fhir-backend.interface';

const URL_HEADERS = ['location', 'content-location'] as const;
/** Identifiers that are not addresses (`Bundle.entry.fullUrl` of a transaction's new resources): kept as they are. */
const NOT_AN_ADDRESS = /^urn:(uuid|oid):/i;

/**
 * Where `url` (absolute, or relative to the backend's base) points under
 * `backendBase`: the rest of it after the base (`/Patient/1?x=y`, `` for the
 * base itself), or `undefined` when it points anywhere else (another host,
 * another scheme, a look-alike prefix, `..` out of the base).
 */
export function pathUnderBase(url: string, backendBase: string): string | undefined {
  const base = backendBase.replace(/\/+$/, '');
  let resolved: string;
  try {
    resolved = new URL(url, `${base}/`).href;
  } catch {
    return undefined;
  }
  // The base must end at a path boundary: `.../R4` is not the base of `.../R45/Patient`.
  if (!resolved.startsWith(base) || !/^([/?#]|$)/.test(resolved.slice(base.length))) return undefined;
  return resolved.slice(base.length);
}

/**
 * Points every URL a backend put in a response (paging links, full URLs,
 * `Location`) at the gateway instead of the backend, so that clients never
 * learn or call the upstream directly. A URL that leaves the backend's base
 * is not passed on: a `Bundle.link` is dropped, a `fullUrl`, an entry's
 * `response.location` or a `Location`/`Content-Location` header is removed
 * (a client must not be sent to, or page through, a host the gateway does not front).
 */
export function rewriteLinks(response: FhirResponse, backendBase: string, gatewayBase: string): FhirResponse {
  const rewrite = (url: string): string | undefined => {
    if (NOT_AN_ADDRESS.test(url)) return url;
    const rest = pathUnderBase(url, backendBase);
    return rest === undefined ? undefined : gatewayBase + rest;
  };
  const headers = { ...response.headers };
  for (const name of URL_HEADERS) {
    if (headers[name] === undefined) continue;
    const url = rewrite(headers[name]);
    if (url === undefined) delete headers[name];
    else headers[name] = url;
  }
  const body = response.body as Bundle | undefined;
  if (body?.resourceType !== 'Bundle') return { ...response, headers };
  return {
    ...response,
    headers,
    body: {
      ...body,
      link: body.link?.flatMap((link): BundleLink[] => {
        const url = link.url === undefined ? undefined : rewrite(link.url);
        return url === undefined ? [] : [{ ...link, url }];
      }),
      entry: body.entry?.map((entry): BundleEntry => {
        const { fullUrl, response: result, ...rest } = entry;
        const url = fullUrl === undefined ? undefined : rewrite(fullUrl);
        const location = result?.location === undefined ? undefined : rewrite(result.location);
        return {
          ...(url === undefined ? {} : { fullUrl: url }),
          ...rest,
          ...(result ? { response: { ...result, location } } : {}),
        };
      }),
    },
  };
}
