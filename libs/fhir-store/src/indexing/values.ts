import { FHIR_ID_PATTERN } from '@ehr-gateway/fhir';

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

/** `Type/id` or `Type/id/_history/vid`; the ids are checked with the route table's `FHIR_ID_PATTERN`. */
const LOCAL_REFERENCE = /^([A-Z][A-Za-z]+)\/([^/]+)(?:\/_history\/([^/]+))?$/;

export interface ReferenceKey {
  /** Target type and id of a local (relative) reference; empty for others. */
  ttype: string;
  tid: string;
  /** An absolute or canonical reference, as written; empty for a local one. */
  url: string;
}

/** The index form of a reference: `Type/id` (with or without `_history`) is local, anything else is a URL. */
export function referenceKey(reference: string): ReferenceKey {
  const local = LOCAL_REFERENCE.exec(reference);
  const isLocal =
    local !== null && FHIR_ID_PATTERN.test(local[2]) && (local[3] === undefined || FHIR_ID_PATTERN.test(local[3]));
  return isLocal ? { ttype: local[1], tid: local[2], url: '' } : { ttype: '', tid: '', url: reference };
}
