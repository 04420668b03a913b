import type { Bundle } from '@medplum/fhirtypes';
import type { FhirResponse } from '../interfaces/fhir-backend.interface';

const URL_HEADERS = ['location', 'content-location'] as const;

/**
 * Points every URL a backend put in a response (paging links, full URLs,
 * `Location`) at the gateway instead of the backend, so that clients never
 * learn or call the upstream directly.
 */
export function rewriteLinks(response: FhirResponse, backendBase: string, gatewayBase: string): FhirResponse {
  const rewrite = (url: string | undefined) =>
    url !== undefined && url.startsWith(backendBase) ? gatewayBase + url.slice(backendBase.length) : url;
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
