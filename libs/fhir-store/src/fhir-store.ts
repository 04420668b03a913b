import { randomUUID } from 'node:crypto';
import {
  BackendStatus,
  FHIR_JSON,
  FhirBackend,
  FhirError,
  FhirRequest,
  FhirResponse,
  assertResourceType,
  isOperationOutcome,
  loadFhirDefinitions,
  matchFhirRoute,
  operationOutcome,
} from '@ehr-gateway/fhir';
import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from '@medplum/fhirtypes';
import { buildCapabilityStatement } from './capability-statement';
import { ResourceIndex } from './resource-index';
import { checkBundle } from './rules/bundle-rules';
import { patchResource } from './rules/json-patch';
import { validateWrite } from './rules/write-validation';
import { executeSearch, parseSearch } from './search-engine';
import { SqliteResourceRepository, StoredVersion } from './sqlite-resource-repository';

const HISTORY_LIMIT = 100;

const etag = (version: number) => `W/"${version}"`;

function versionHeaders(stored: StoredVersion, baseUrl: string): Record<string, string> {
  return {
    etag: etag(stored.version),
    'last-modified': new Date(stored.lastUpdated).toUTCString(),
    location: `${baseUrl}/${stored.resourceType}/${stored.id}/_history/${stored.version}`,
    'content-type': FHIR_JSON,
  };
}

/** Replaces every string equal to a key of `map` (the `urn:uuid:` references of a transaction). */
function rewriteReferences<T>(value: T, map: Map<string, string>): T {
  if (typeof value === 'string') return (map.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => rewriteReferences(item, map)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteReferences(v, map)])) as T;
  }
  return value;
}

/** The order a transaction processes its entries in (FHIR R4 3.1.0.11.2). */
const METHOD_ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export interface FhirStoreOptions {
  /** SQLite file, or `:memory:`. */
  path: string;
  /** The base its links and locations carry; the gateway rewrites it to its own URL. */
  baseUrl?: string;
  /** Largest number of entries in a transaction or batch Bundle. */
  maxBundleEntries?: number;
}

/**
 * The embedded FHIR R4 server: versioned resources in SQLite, search through
 * `@medplum/core` over an in-memory index, atomic transactions, conditional
 * create and update, structural validation of every write.
 */
export class FhirStore implements FhirBackend {
  readonly baseUrl: string;
  private readonly repository: SqliteResourceRepository;
  private readonly index = new ResourceIndex();

  constructor(private readonly options: FhirStoreOptions) {
    this.baseUrl = options.baseUrl ?? 'urn:ehr-gateway:fhir-store';
    // The reference index is computed from the search-parameter definitions: load them first.
    loadFhirDefinitions();
    this.repository = new SqliteResourceRepository(options.path);
    for (const version of this.repository.latestVersions()) this.index.put(version);
  }

  /** Whether the store holds no resource of this type (used to seed once). */
  isEmpty(resourceType: string): boolean {
    return this.index.live(resourceType).next().done === true;
  }

  async request(request: FhirRequest): Promise<FhirResponse> {
    try {
      if (request.path === '' || request.path.startsWith('?')) {
        if (request.method === 'POST') return this.bundle(request.body);
        throw new FhirError(405, 'Only transaction and batch Bundles may be POSTed to the base');
      }
      if (request.path === 'metadata' && request.method === 'GET') {
        return { status: 200, headers: { 'content-type': FHIR_JSON }, body: buildCapabilityStatement() };
      }
      return this.atomically(() => this.perform(request));
    } catch (error) {
      if (error instanceof FhirError) return { status: error.status, headers: error.headers, body: error.outcome };
      throw error;
    }
  }

  async status(): Promise<BackendStatus> {
    return { reachable: true, auth: 'none' };
  }

  async close(): Promise<void> {
    this.repository.close();
  }

  private atomically<T>(work: () => T): T {
    this.index.begin();
    try {
      const result = this.repository.atomically(work);
      this.index.commit();
      return result;
    } catch (error) {
      this.index.rollback();
      throw error;
    }
  }

  /** One REST interaction (outside or inside a Bundle). */
  private perform(request: FhirRequest): FhirResponse {
    const { interaction, resourceType, id, versionId, query = '' } = matchFhirRoute(request.method, request.path);
    const headers = request.headers ?? {};
    if (!resourceType) throw new FhirError(405, `${interaction} is not supported as a Bundle entry`);
    assertResourceType(resourceType);
    switch (interaction) {
      case 'read':
        return this.read(resourceType, id!, headers['if-none-match']);
      case 'vread':
      case 'history':
        return this.history(resourceType, id, versionId);
      case 'search':
        return this.search(
          resourceType,
          request.method === 'POST' ? [query, formQuery(request.body)].filter(Boolean).join('&') : query,
        );
      case 'create':
        return this.create(resourceType, request.body, headers);
      case 'update':
        return this.update(resourceType, id!, request.body, headers);
      case 'patch':
        return this.patch(resourceType, id!, request.body, headers);
      case 'delete':
        return this.delete(resourceType, id!);
      default:
        throw new FhirError(405, `${interaction} is not supported as a Bundle entry`);
    }
  }

  private current(resourceType: string, id: string): StoredVersion {
    const stored = this.index.get(resourceType, id);
    if (!stored) throw FhirError.notFound(`${resourceType}/${id} not found`);
    if (stored.deleted) throw new FhirError(410, `${resourceType}/${id} was deleted`);
    return stored;
  }

  private read(resourceType: string, id: string, ifNoneMatch?: string): FhirResponse {
    const stored = this.current(resourceType, id);
    const headers = versionHeaders(stored, this.baseUrl);
    if (ifNoneMatch && ifNoneMatch.replace(/^W\//, '') === etag(stored.version).replace(/^W\//, '')) {
      return { status: 304, headers };
    }
    return { status: 200, headers, body: stored.resource };
  }

  private history(resourceType: string, id: string | undefined, versionId?: string): FhirResponse {
    if (id !== undefined && versionId !== undefined) {
      const stored = /^\d+$/.test(versionId) ? this.repository.version(resourceType, id, Number(versionId)) : undefined;
      if (!stored) throw FhirError.notFound(`${resourceType}/${id}/_history/${versionId} not found`);
      if (stored.deleted) throw new FhirError(410, `${resourceType}/${id} version ${versionId} is a deletion`);
      return { status: 200, headers: versionHeaders(stored, this.baseUrl), body: stored.resource };
    }
    const versions =
      id !== undefined
        ? this.repository.history(resourceType, id)
        : this.repository.typeHistory(resourceType, HISTORY_LIMIT);
    if (id !== undefined && versions.length === 0) throw FhirError.notFound(`${resourceType}/${id} not found`);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'history',
      total: versions.length,
      entry: versions.map((version) => ({
        fullUrl: `${this.baseUrl}/${version.resourceType}/${version.id}`,
        ...(version.resource ? { resource: version.resource } : {}),
        request: {
          method: version.deleted ? 'DELETE' : version.version === 1 ? 'POST' : 'PUT',
          url: version.version === 1 ? version.resourceType : `${version.resourceType}/${version.id}`,
        },
        response: {
          status: version.deleted ? '204' : version.version === 1 ? '201' : '200',
          lastModified: version.lastUpdated,
        },
      })),
    };
    return { status: 200, headers: { 'content-type': FHIR_JSON }, body: bundle };
  }

  private search(resourceType: string, query: string): FhirResponse {
    const bundle = executeSearch(this.index, parseSearch(resourceType, query), this.baseUrl);
    return { status: 200, headers: { 'content-type': FHIR_JSON }, body: bundle };
  }

  private checkBody(resourceType: string, body: unknown): Resource {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw FhirError.badRequest(`The body must be a ${resourceType} resource`);
    }
    const resource = body as Resource;
    if (resource.resourceType !== resourceType) {
      throw FhirError.badRequest(
        `Resource type '${String(resource.resourceType)}' does not match the URL's '${resourceType}'`,
      );
    }
    return resource;
  }

  private create(resourceType: string, body: unknown, headers: Record<string, string>): FhirResponse {
    const resource = this.checkBody(resourceType, body);
    const condition = headers['if-none-exist'];
    if (condition) {
      const existing = this.conditionalMatches(resourceType, condition);
      if (existing.length > 1)
        throw new FhirError(412, `If-None-Exist '${condition}' matches ${existing.length} resources`);
      if (existing.length === 1) {
        const stored = this.current(resourceType, existing[0].id!);
        return respond(200, stored, this.baseUrl, headers.prefer);
      }
    }
    return respond(201, this.write({ ...resource, id: randomUUID() }, undefined), this.baseUrl, headers.prefer);
  }

  private update(resourceType: string, id: string, body: unknown, headers: Record<string, string>): FhirResponse {
    const resource = this.checkBody(resourceType, body);
    if (resource.id !== id)
      throw FhirError.badRequest(`The resource id '${String(resource.id)}' does not match the URL's '${id}'`);
    const existing = this.index.get(resourceType, id);
    this.checkIfMatch(existing, headers['if-match']);
    const stored = this.write(resource, existing);
    return respond(existing && !existing.deleted ? 200 : 201, stored, this.baseUrl, headers.prefer);
  }

  private patch(resourceType: string, id: string, body: unknown, headers: Record<string, string>): FhirResponse {
    const existing = this.current(resourceType, id);
    this.checkIfMatch(existing, headers['if-match']);
    const patched = patchResource(existing.resource!, body);
    if (!patched) return respond(200, existing, this.baseUrl, headers.prefer);
    if (patched.resourceType !== resourceType || patched.id !== id) {
      throw FhirError.badRequest('A patch may not change resourceType or id');
    }
    return respond(200, this.write(patched, existing), this.baseUrl, headers.prefer);
  }

  private delete(resourceType: string, id: string): FhirResponse {
    const existing = this.index.get(resourceType, id);
    if (!existing) throw FhirError.notFound(`${resourceType}/${id} not found`);
    if (existing.deleted) return { status: 204, headers: {} };
    const stored: StoredVersion = {
      resourceType,
      id,
      version: existing.version + 1,
      lastUpdated: new Date().toISOString(),
      deleted: true,
    };
    this.repository.insert(stored);
    this.index.put(stored);
    return { status: 204, headers: { etag: etag(stored.version) } };
  }

  private checkIfMatch(existing: StoredVersion | undefined, ifMatch: string | undefined): void {
    if (!ifMatch) return;
    const wanted = ifMatch.replace(/^W\//, '');
    if (!existing || existing.deleted || wanted !== `"${existing.version}"`) {
      throw new FhirError(
        412,
        `If-Match ${ifMatch} does not match the current version${existing ? ` (W/"${existing.version}")` : ''}`,
      );
    }
  }

  private conditionalMatches(resourceType: string, condition: string): Resource[] {
    const bundle = executeSearch(
      this.index,
      { ...parseSearch(resourceType, condition.replace(/^.*\?/, '')), count: 2 },
      this.baseUrl,
    );
    return (bundle.entry ?? []).map((entry) => entry.resource!);
  }

  private write(resource: Resource, previous: StoredVersion | undefined): StoredVersion {
    const version = (previous?.version ?? 0) + 1;
    const lastUpdated = new Date().toISOString();
    const { resourceType, id, meta, ...content } = resource;
    const stored = {
      resourceType,
      id,
      meta: { ...meta, versionId: String(version), lastUpdated },
      ...content,
    } as Resource;
    validateWrite(stored);
    const entry: StoredVersion = {
      resourceType,
      id: id!,
      version,
      lastUpdated,
      deleted: false,
      resource: stored,
    };
    this.repository.insert(entry);
    this.index.put(entry);
    return entry;
  }

  private bundle(body: unknown): FhirResponse {
    const entries = checkBundle(body, this.options.maxBundleEntries);
    const bundle = body as Bundle;
    const type = bundle.type === 'transaction' ? 'transaction-response' : 'batch-response';
    const responses =
      bundle.type === 'transaction' ? this.atomically(() => this.transaction(entries)) : this.batch(entries);
    return {
      status: 200,
      headers: { 'content-type': FHIR_JSON },
      body: { resourceType: 'Bundle', type, entry: responses } satisfies Bundle,
    };
  }

  private batch(entries: BundleEntry[]): BundleEntry[] {
    return entries.map((entry) => {
      try {
        return this.atomically(() => toResponseEntry(this.performEntry(entry)));
      } catch (error) {
        if (!(error instanceof FhirError)) throw error;
        return { response: { status: String(error.status), outcome: error.outcome } };
      }
    });
  }

  private transaction(entries: BundleEntry[]): BundleEntry[] {
    const references = new Map<string, string>();
    for (const entry of entries) {
      if (entry.request!.method === 'POST' && entry.fullUrl?.startsWith('urn:uuid:') && entry.resource) {
        references.set(entry.fullUrl, `${entry.resource.resourceType}/${randomUUID()}`);
      }
    }
    const order = entries
      .map((_, i) => i)
      .sort((a, b) => METHOD_ORDER[entries[a].request!.method] - METHOD_ORDER[entries[b].request!.method]);
    const responses: BundleEntry[] = new Array<BundleEntry>(entries.length);
    for (const i of order) {
      const entry = rewriteReferences(entries[i], references);
      try {
        responses[i] = toResponseEntry(this.performEntry(entry, references.get(entries[i].fullUrl ?? '')));
      } catch (error) {
        if (error instanceof FhirError) {
          throw new FhirError(
            error.status,
            operationOutcome(
              error.outcome.issue?.[0]?.code ?? 'processing',
              `Transaction entry ${i} (${entries[i].request!.method} ${entries[i].request!.url}) failed: ${error.message}`,
            ),
          );
        }
        throw error;
      }
      if (entries[i].fullUrl?.startsWith('urn:uuid:')) {
        const resource = responses[i].resource;
        if (resource?.id) references.set(entries[i].fullUrl, `${resource.resourceType}/${resource.id}`);
      }
    }
    return responses;
  }

  /** One Bundle entry; `assignedReference` is the `Type/id` a `urn:uuid` POST was given. */
  private performEntry(entry: BundleEntry, assignedReference?: string): FhirResponse {
    const request = entry.request!;
    const headers: Record<string, string> = {};
    if (request.ifNoneExist) headers['if-none-exist'] = request.ifNoneExist;
    if (request.ifMatch) headers['if-match'] = request.ifMatch;
    if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
    if (request.method === 'POST' && assignedReference && entry.resource && !request.url.includes('_search')) {
      const resourceType = request.url.split('?')[0];
      const resource = this.checkBody(resourceType, entry.resource);
      if (request.ifNoneExist) {
        const existing = this.conditionalMatches(resourceType, request.ifNoneExist);
        if (existing.length > 1)
          throw new FhirError(412, `ifNoneExist '${request.ifNoneExist}' matches ${existing.length} resources`);
        if (existing.length === 1) return respond(200, this.current(resourceType, existing[0].id!), this.baseUrl);
      }
      return respond(201, this.write({ ...resource, id: assignedReference.split('/')[1] }, undefined), this.baseUrl);
    }
    return this.perform({
      method: request.method,
      path: request.url.replace(/^\//, ''),
      headers,
      body: entry.resource,
    });
  }
}

function formQuery(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return new URLSearchParams(body as Record<string, string>).toString();
  }
  return '';
}

function respond(status: number, stored: StoredVersion, baseUrl: string, prefer?: string): FhirResponse {
  const headers = versionHeaders(stored, baseUrl);
  if (prefer?.includes('return=minimal')) return { status, headers };
  if (prefer?.includes('return=OperationOutcome')) {
    return {
      status,
      headers,
      body: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'informational',
            diagnostics: `${stored.resourceType}/${stored.id} version ${stored.version}`,
          },
        ],
      },
    };
  }
  return { status, headers, body: stored.resource };
}

function toResponseEntry(response: FhirResponse): BundleEntry {
  const result: BundleEntryResponse = { status: String(response.status) };
  if (response.headers.location) result.location = response.headers.location;
  if (response.headers.etag) result.etag = response.headers.etag;
  if (response.headers['last-modified'])
    result.lastModified = new Date(response.headers['last-modified']).toISOString();
  if (isOperationOutcome(response.body)) result.outcome = response.body;
  const resource = isOperationOutcome(response.body) ? undefined : (response.body as Resource | undefined);
  return { ...(resource ? { resource } : {}), response: result };
}
