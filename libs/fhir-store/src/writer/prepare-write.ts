import { randomUUID } from 'node:crypto';
import { FhirError, type FhirRequest } from '@ehr-gateway/fhir';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { extractIndexRows } from '../indexing/extract-index-rows';
import { parseRoute } from '../rest-route';
import { checkBundle } from '../rules/bundle-rules';
import { validateWrite } from '../rules/write-validation';
import type { PreparedVersion } from '../storage/store-database';

/**
 * What the writer can take from a transaction prepared ahead of it (in another
 * thread): the ids its `urn:uuid` POST entries are given, one `lastUpdated`, and
 * for each entry that creates a valid resource the JSON of that resource as
 * stored and its index rows. The writer uses a prepared version only when the
 * resource it is about to store has exactly that JSON (see `StoreEngine.write`):
 * anything that changed since (a conditional create that matched, a `urn:uuid`
 * that now names another resource) is validated and indexed by the writer.
 */
export interface WritePreparation {
  references: [string, string][];
  lastUpdated: string;
  /** Per entry of the Bundle: the prepared version, or null (not a create by `urn:uuid`, or invalid). */
  entries: (PreparedVersion | null)[];
}

/** The `Type/id` a PUT entry's url names, or undefined (a conditional PUT, or a url the entry will fail on). */
function updatedReference(url: string): string | undefined {
  try {
    const route = parseRoute('PUT', url.replace(/^\//, ''));
    return route.kind === 'update' && route.id !== undefined ? `${route.resourceType}/${route.id}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `Type/id` of each entry with a `urn:uuid` fullUrl, known before any entry
 * runs (R4 3.1.0.11.2), so that entries can refer to each other whatever the
 * order they run in: the id a POST entry is given, the one a PUT entry's url names.
 * (A conditional PUT's is known once it ran.)
 */
export function assignReferences(entries: BundleEntry[]): Map<string, string> {
  const references = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.fullUrl?.startsWith('urn:uuid:') || !entry.resource) continue;
    const { method, url } = entry.request!;
    if (method === 'POST') references.set(entry.fullUrl, `${entry.resource.resourceType}/${randomUUID()}`);
    const updated = method === 'PUT' ? updatedReference(url) : undefined;
    if (updated) references.set(entry.fullUrl, updated);
  }
  return references;
}

/**
 * `value` with every string equal to a key of `map` (the `urn:uuid:` references
 * of a transaction) replaced; parts with nothing to replace are kept, not copied.
 */
export function rewriteReferences<T>(value: T, map: Map<string, string>): T {
  if (map.size === 0) return value;
  if (typeof value === 'string') return (map.get(value) ?? value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const rewritten = rewriteReferences(item, map);
      if (rewritten !== item) (copy ??= [...value])[i] = rewritten;
    });
    return (copy ?? value) as T;
  }
  if (value && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const rewritten = rewriteReferences(item, map);
      if (rewritten !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = rewritten;
    }
    return (copy ?? value) as T;
  }
  return value;
}

/** A resource as the store keeps a version of it: server-set `id` first, `meta.versionId` and `meta.lastUpdated`. */
export function storedForm(resource: Resource, version: number, lastUpdated: string): Resource {
  const { resourceType, id, meta, ...content } = resource;
  return { resourceType, id, meta: { ...meta, versionId: String(version), lastUpdated }, ...content } as Resource;
}

/** The type a create entry creates (`POST Patient`), by the route table; undefined for any other entry. */
function createdType(entry: BundleEntry): string | undefined {
  try {
    const route = parseRoute(entry.request!.method, entry.request!.url);
    return route.kind === 'create' ? route.resourceType : undefined;
  } catch (error) {
    if (error instanceof FhirError) return undefined;
    throw error;
  }
}

/** Whether a request is a transaction (a Bundle POSTed to the base): the writes `prepareWrite` prepares. */
export function isTransaction(request: FhirRequest): boolean {
  return (
    request.method === 'POST' && request.path === '' && (request.body as Bundle | undefined)?.type === 'transaction'
  );
}

/**
 * Validation and index extraction of the resources a transaction creates, done
 * before the writer and without the database (see `WritePreparation`).
 * Undefined for anything else, or a Bundle the writer will refuse as a whole.
 */
export function prepareWrite(request: FhirRequest): WritePreparation | undefined {
  if (!isTransaction(request)) return undefined;
  let entries: BundleEntry[];
  try {
    // The entry limit was checked before (`FhirStore.bundle`): a Bundle over it is never prepared.
    entries = checkBundle(request.body, Number.MAX_SAFE_INTEGER);
  } catch {
    return undefined;
  }
  const references = assignReferences(entries);
  const lastUpdated = new Date().toISOString();
  const prepared = entries.map((entry): PreparedVersion | null => {
    const assigned = references.get(entry.fullUrl ?? '');
    if (!assigned) return null;
    const resource = rewriteReferences(entry.resource!, references);
    if (resource.resourceType !== createdType(entry)) return null;
    const stored = storedForm({ ...resource, id: assigned.split('/')[1] }, 1, lastUpdated);
    try {
      validateWrite(stored);
    } catch {
      return null;
    }
    return { json: JSON.stringify(stored), rows: extractIndexRows(stored) };
  });
  return { references: [...references], lastUpdated, entries: prepared };
}
