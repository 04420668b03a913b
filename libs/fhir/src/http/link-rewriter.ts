import type { Bundle } from '@medplum/fhirtypes';
import type { FhirResponse } from '../interfaces/fhir-backend.interface';

const URL_HEADERS = ['location', 'content-location'] as const;

/**
 * Points every URL a backend put in a response (paging links, full URLs,
 * `Location`) at the gateway instead of the backend, so that clients never
 * learn or call the upstream directly.
 */
export function rewriteLinks(response: FhirResponse, backendBase: string, gatewayBase: string): FhirResponse {
  const base = backendBase.replace(/\/+$/, '');
  // The base must end at a path boundary: `.../R4` is not the base of `.../R45/Patient`.
  const isUnderBase = (url: string) => url.startsWith(base) && /^([/?#]|$)/.test(url.slice(base.length));
  const rewrite = (url: string | undefined) =>
    url !== undefined && isUnderBase(url) ? gatewayBase + url.slice(base.length) : url;
  const headers = { ...response.headers };
  for (const name of URL_HEADERS) {
    if (headers[name]) headers[name] = rewrite(headers[name])!;
  }
  const body = response.body as Bundle | undefined;
  if (body?.resourceType !== 'Bundle') return { ...response, headers };
  return {
    ...response,
    headers,
    body: {
      ...body,
      link: body.link?.map((link) => ({ ...link, url: rewrite(link.url)! })),
      entry: body.entry?.map((entry) => ({
        ...entry,
        ...(entry.fullUrl ? { fullUrl: rewrite(entry.fullUrl) } : {}),
        ...(entry.response?.location
          ? { response: { ...entry.response, location: rewrite(entry.response.location)! } }
          : {}),
      })),
    },
  };
}
