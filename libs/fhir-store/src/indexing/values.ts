import { parseReference } from '@ehr-gateway/fhir';

/** Value forms shared by indexing and search, so that both sides normalise the same way. */

/** Longest string value kept in an index row; longer values are indexed by their beginning. */
export const MAX_INDEXED_STRING = 256;

/** R4 string matching ignores case and accents (3.1.1.4.7): fold both. */
export function foldString(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().slice(0, MAX_INDEXED_STRING);
}

/** The smallest string greater than every string starting with `prefix` (for an index range scan). */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** Earliest and latest instants an open period bound stands for (milliseconds since the epoch). */
export const DATE_MIN = -8_640_000_000_000_000;
export const DATE_MAX = 8_640_000_000_000_000;

export interface ReferenceKey {
  /** Target type and id of a local (relative) reference; empty for others. */
  ttype: string;
  tid: string;
  /** An absolute or canonical reference, as written; empty for a local one. */
  url: string;
}

/** The index form of a reference: `Type/id` (with or without `_history`) is local, anything else is a URL. */
export function referenceKey(reference: string): ReferenceKey {
  const local = parseReference(reference);
  return local && local.base === undefined
    ? { ttype: local.resourceType, tid: local.id, url: '' }
    : { ttype: '', tid: '', url: reference };
}
