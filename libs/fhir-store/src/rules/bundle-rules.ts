import { FhirError, operationOutcome } from '@ehr-gateway/fhir';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';

/** The interactions a Bundle entry may ask for (FHIR R4 Bundle.entry.request.method). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Default largest number of entries in one transaction or batch. */
export const DEFAULT_MAX_BUNDLE_ENTRIES = 1000;

const refuse = (problem: string, expression?: string) =>
  new FhirError(400, operationOutcome('invalid', problem, expression ? [expression] : undefined));

/**
 * Checks a transaction or batch Bundle as a whole before any entry runs, so a
 * refused Bundle writes nothing: its type, its size, each entry's request
 * method and url, and `fullUrl`s that are unique. Errors name entry indexes,
 * never an entry's content.
 */
export function checkBundle(body: unknown, maxEntries = DEFAULT_MAX_BUNDLE_ENTRIES): BundleEntry[] {
  const bundle = body as Bundle | undefined;
  if (bundle?.resourceType !== 'Bundle' || (bundle.type !== 'transaction' && bundle.type !== 'batch')) {
    throw refuse('POST to the base needs a Bundle of type transaction or batch');
  }
  const entries: unknown = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw refuse('Bundle.entry must be an array', 'Bundle.entry');
  if (entries.length > maxEntries) {
    throw refuse(`The Bundle has ${entries.length} entries; at most ${maxEntries} are allowed`, 'Bundle.entry');
  }
  const fullUrls = new Map<string, number>();
  (entries as BundleEntry[]).forEach((entry, i) => {
    const request = entry?.request;
    if (!request || typeof request.url !== 'string' || !request.url) {
      throw refuse(`Bundle entry ${i} has no request url`, `Bundle.entry[${i}].request`);
    }
    if (!METHODS.has(request.method)) {
      throw refuse(`Bundle entry ${i} has an unknown request method`, `Bundle.entry[${i}].request.method`);
    }
    if (typeof entry.fullUrl === 'string') {
      const first = fullUrls.get(entry.fullUrl);
      if (first !== undefined) {
        throw refuse(`Bundle entries ${first} and ${i} have the same fullUrl`, `Bundle.entry[${i}].fullUrl`);
      }
      fullUrls.set(entry.fullUrl, i);
    }
  });
  return entries as BundleEntry[];
}
