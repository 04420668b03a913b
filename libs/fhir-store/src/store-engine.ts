import { randomUUID } from 'node:crypto';
import {
  FHIR_JSON,
  FhirError,
  FhirRequest,
  FhirResponse,
  isOperationOutcome,
  loadFhirDefinitions,
  operationOutcome,
} from '@ehr-gateway/fhir';
import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from '@medplum/fhirtypes';
import { buildCapabilityStatement } from './capability-statement';
import { FHIR_STORE_DEFAULTS } from './fhir-store.config';
import { HistoryTarget, history } from './history';
import { parseRoute, type Route } from './rest-route';
import { checkBundle } from './rules/bundle-rules';
import { patchResource } from './rules/json-patch';
import { validateWrite } from './rules/write-validation';
import { InProcessRunner, runWithin } from './search/plan-runner';
import { searchBundle } from './search/search-bundle';
import { SearchScope, SearchService } from './search/search-service';
import { StoreDatabase, StoredVersion, type PreparedVersion } from './storage/store-database';
import { WritePreparation, assignReferences, rewriteReferences, storedForm } from './writer/prepare-write';

const etag = (version: number) => `W/"${version}"`;

/** Resources a conditional delete removes at most; more matches are refused with 412. */
const MAX_CONDITIONAL_DELETES = 100;

function versionHeaders(stored: StoredVersion, baseUrl: string): Record<string, string> {
  return {
    etag: etag(stored.version),
    'last-modified': new Date(stored.lastUpdated).toUTCString(),
    location: `${baseUrl}/${stored.resourceType}/${stored.id}/_history/${stored.version}`,
    'content-type': FHIR_JSON,
  };
}

export const lenient = (headers: Record<string, string>) => /handling\s*=\s*lenient/i.test(headers.prefer ?? '');

/** The order a transaction processes its entries in (FHIR R4 3.1.0.11.2). */
const METHOD_ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

/** A version prepared before the writer (see `WritePreparation`), and the `lastUpdated` it was prepared with. */
interface PreparedWrite {
  version: PreparedVersion;
  lastUpdated: string;
}

/** What the engine needs besides its database. */
export interface StoreEngineOptions {
  baseUrl: string;
  searchBudgetMs?: number;
  maxBundleEntries?: number;
}

/** The current version of a resource, or 404 / 410. */
export function currentVersion(database: StoreDatabase, resourceType: string, id: string): StoredVersion {
  const stored = database.current(resourceType, id);
  if (!stored) throw FhirError.notFound(`${resourceType}/${id} not found`);
  if (stored.deleted) throw new FhirError(410, `${resourceType}/${id} was deleted`);
  return stored;
}

/**
 * Everything of the store but searches: reads by id, history, writes, conditional
 * operations and Bundles, synchronous on the connection that writes. It runs in
 * the writer thread (file stores) or in process (`:memory:`), one request after
 * another; `handleAll` runs several in one SQLite transaction (a group commit),
 * each in its own savepoint, so that one failing leaves the others whole.
 */
export class StoreEngine {
  private readonly baseUrl: string;
  /** Searches inside a write (conditional operations, transaction entries) see its uncommitted state. */
  private readonly searchesNow: SearchService;
  private readonly inProcess: InProcessRunner;

  constructor(
    private readonly database: StoreDatabase,
    private readonly options: StoreEngineOptions,
  ) {
    this.baseUrl = options.baseUrl;
    // Validation and indexing read the R4 definitions: load them first.
    loadFhirDefinitions();
    this.inProcess = new InProcessRunner(database.db, options.searchBudgetMs ?? FHIR_STORE_DEFAULTS.searchBudgetMs);
    this.searchesNow = new SearchService(database, this.inProcess, this.baseUrl);
  }

  /**
   * Several requests in one SQLite transaction, committed once: the answer of
   * each, in order (an `Error` for a failure that is not a FHIR outcome).
   * `preparations[i]`, when given, is `prepareWrite(requests[i])`.
   */
  handleAll(requests: FhirRequest[], preparations: (WritePreparation | undefined)[] = []): (FhirResponse | Error)[] {
    const all = () =>
      requests.map((request, i) => {
        try {
          return this.handle(request, preparations[i]);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      });
    // Without savepoints first; if a request failed half-way, again with one per request.
    return this.database.optimistically(all) ?? this.database.atomically(all);
  }

  /** One request, atomically (a savepoint inside `handleAll`); a FHIR error becomes its OperationOutcome. */
  handle(request: FhirRequest, preparation?: WritePreparation): FhirResponse {
    try {
      const route = parseRoute(request.method, request.path);
      if (route.kind === 'transaction') return this.bundle(request.body, preparation);
      return this.database.atomically(() => this.perform(route, request));
    } catch (error) {
      if (error instanceof FhirError) return { status: error.status, headers: error.headers, body: error.outcome };
      throw error;
    }
  }

  private atomically<T>(work: () => T): T {
    return this.database.atomically(work);
  }

  /** One REST interaction (outside or inside a Bundle), synchronous: inside a transaction. */
  private perform(route: Route, request: FhirRequest): FhirResponse {
    const headers = request.headers ?? {};
    switch (route.kind) {
      case 'capabilities':
        return { status: 200, headers: { 'content-type': FHIR_JSON }, body: buildCapabilityStatement() };
      case 'history':
        if (route.id !== undefined && !this.database.current(route.resourceType!, route.id))
          throw FhirError.notFound(`${route.resourceType}/${route.id} not found`);
        return this.historyResponse({ resourceType: route.resourceType, id: route.id }, route.query);
      case 'search': {
        const search = searchCallOf(route, request);
        return this.searchNow(search.resourceType, search.query, headers, search.scope, search.path);
      }
      case 'read':
        return this.read(route.resourceType, route.id, headers['if-none-match']);
      case 'vread':
        return this.vread(route.resourceType, route.id, route.versionId, headers['if-none-match']);
      case 'create':
        return this.create(route.resourceType, request.body, headers);
      case 'update':
        return route.id === undefined
          ? this.conditionalUpdate(route.resourceType, route.query, request.body, headers)
          : this.update(route.resourceType, route.id, request.body, headers);
      case 'patch':
        return this.patch(route.resourceType, route.id, request.body, headers);
      case 'delete':
        return route.id === undefined
          ? this.conditionalDelete(route.resourceType, route.query)
          : this.delete(route.resourceType, route.id);
      // A Bundle inside a Bundle, and `$everything` (answered by the search runner, outside a write).
      default:
        throw FhirError.badRequest('The store does not perform this request inside a write');
    }
  }

  private searchNow(
    resourceType: string,
    query: string,
    headers: Record<string, string>,
    scope?: SearchScope,
    path = resourceType,
  ): FhirResponse {
    const parsed = this.searchesNow.parse(resourceType, query, lenient(headers));
    const result = runWithin(this.database.db, this.searchesNow.plan(parsed, scope), this.inProcess.budgetMs);
    return {
      status: 200,
      headers: { 'content-type': FHIR_JSON },
      body: searchBundle(parsed, result, this.baseUrl, path),
    };
  }

  private historyResponse(target: HistoryTarget, query: string): FhirResponse {
    return {
      status: 200,
      headers: { 'content-type': FHIR_JSON },
      body: history(this.database, target, query, this.baseUrl, this.inProcess.budgetMs),
    };
  }

  private current(resourceType: string, id: string): StoredVersion {
    return currentVersion(this.database, resourceType, id);
  }

  private read(resourceType: string, id: string, ifNoneMatch?: string): FhirResponse {
    return this.answerVersion(this.current(resourceType, id), ifNoneMatch);
  }

  private vread(resourceType: string, id: string, versionId: string, ifNoneMatch?: string): FhirResponse {
    const stored = /^\d{1,9}$/.test(versionId) ? this.database.version(resourceType, id, Number(versionId)) : undefined;
    if (!stored) throw FhirError.notFound(`${resourceType}/${id}/_history/${versionId} not found`);
    if (stored.deleted) throw new FhirError(410, `${resourceType}/${id} version ${versionId} is a deletion`);
    return this.answerVersion(stored, ifNoneMatch);
  }

  /** The version, or 304 when `If-None-Match` names it. */
  private answerVersion(stored: StoredVersion, ifNoneMatch?: string): FhirResponse {
    const headers = versionHeaders(stored, this.baseUrl);
    const wanted = ifNoneMatch?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (wanted?.includes('*') || wanted?.includes(`"${stored.version}"`)) return { status: 304, headers };
    return { status: 200, headers, body: stored.resource };
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
      const existing = this.conditionalMatches(resourceType, condition, 2);
      if (existing.length > 1) throw new FhirError(412, 'If-None-Exist matches more than one resource');
      if (existing.length === 1)
        return respond(200, this.current(resourceType, existing[0]), this.baseUrl, headers.prefer);
    }
    return respond(201, this.write({ ...resource, id: randomUUID() }, undefined), this.baseUrl, headers.prefer);
  }

  private update(resourceType: string, id: string, body: unknown, headers: Record<string, string>): FhirResponse {
    const resource = this.checkBody(resourceType, body);
    if (resource.id !== id) throw FhirError.badRequest("The resource id does not match the URL's id");
    const existing = this.database.current(resourceType, id);
    this.checkIfMatch(existing, headers['if-match']);
    const stored = this.write(resource, existing);
    return respond(existing && !existing.deleted ? 200 : 201, stored, this.baseUrl, headers.prefer);
  }

  /** `PUT Type?query` (R4 3.1.0.4.3): create when nothing matches, update the one match, 412 for several. */
  private conditionalUpdate(
    resourceType: string,
    query: string,
    body: unknown,
    headers: Record<string, string>,
  ): FhirResponse {
    const resource = this.checkBody(resourceType, body);
    const matches = this.conditionalMatches(resourceType, query, 2);
    if (matches.length > 1) throw new FhirError(412, 'The conditional update matches more than one resource');
    if (matches.length === 1) {
      if (resource.id !== undefined && resource.id !== matches[0]) {
        throw FhirError.badRequest('The resource id differs from the id of the resource the condition matches');
      }
      return this.update(resourceType, matches[0], { ...resource, id: matches[0] }, headers);
    }
    if (resource.id !== undefined) return this.update(resourceType, resource.id, resource, headers);
    return respond(201, this.write({ ...resource, id: randomUUID() }, undefined), this.baseUrl, headers.prefer);
  }

  /** `DELETE Type?query` (R4 3.1.0.7.1): deletes every match, up to a bound (412 beyond it). */
  private conditionalDelete(resourceType: string, query: string): FhirResponse {
    const matches = this.conditionalMatches(resourceType, query, MAX_CONDITIONAL_DELETES + 1);
    if (matches.length > MAX_CONDITIONAL_DELETES) {
      throw new FhirError(412, `The conditional delete matches more than ${MAX_CONDITIONAL_DELETES} resources`);
    }
    for (const id of matches) this.delete(resourceType, id);
    return { status: 204, headers: {} };
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
    const existing = this.database.current(resourceType, id);
    if (!existing) throw FhirError.notFound(`${resourceType}/${id} not found`);
    if (existing.deleted) return { status: 204, headers: {} };
    const stored: StoredVersion = {
      resourceType,
      id,
      version: existing.version + 1,
      lastUpdated: new Date().toISOString(),
      deleted: true,
    };
    this.database.write(stored);
    return { status: 204, headers: { etag: etag(stored.version) } };
  }

  private checkIfMatch(existing: StoredVersion | undefined, ifMatch: string | undefined): void {
    if (!ifMatch) return;
    const wanted = ifMatch.replace(/^W\//, '');
    if (!existing || existing.deleted || wanted !== `"${existing.version}"`) {
      throw new FhirError(
        412,
        `If-Match ${/^(W\/)?"[\w.-]{1,64}"$/.test(ifMatch) ? `${ifMatch} ` : ''}does not match the current version${existing ? ` (W/"${existing.version}")` : ''}`,
      );
    }
  }

  /** Ids of the resources a condition (a search query, optionally `Type?`-prefixed) matches, at most `limit`. */
  private conditionalMatches(resourceType: string, condition: string, limit: number): string[] {
    const query = this.searchesNow.parse(resourceType, condition.replace(/^[^?]*\?/, ''));
    if (query.filters.length === 0) throw FhirError.badRequest('A conditional operation needs search criteria');
    const result = runWithin(
      this.database.db,
      this.searchesNow.plan({
        ...query,
        count: limit,
        offset: 0,
        include: [],
        revinclude: [],
        sort: [],
        total: 'none',
      }),
      this.inProcess.budgetMs,
    );
    return result.matches.map((row) => row.id);
  }

  /**
   * Validates, indexes and stores a new version. A version `prepared` before
   * (validated and indexed in another thread) is used only if the resource to
   * store is exactly the one prepared: same JSON, so the same validation and rows.
   */
  private write(resource: Resource, previous: StoredVersion | undefined, prepared?: PreparedWrite): StoredVersion {
    const version = (previous?.version ?? 0) + 1;
    // A version is never older than the one it replaces.
    const lastUpdated =
      prepared && (!previous || previous.lastUpdated <= prepared.lastUpdated)
        ? prepared.lastUpdated
        : new Date().toISOString();
    const stored = storedForm(resource, version, lastUpdated);
    const json = JSON.stringify(stored);
    const ready = prepared?.version.json === json ? prepared.version : undefined;
    if (!ready) validateWrite(stored);
    const entry: StoredVersion = {
      resourceType: stored.resourceType,
      id: stored.id!,
      version,
      lastUpdated,
      deleted: false,
      resource: stored,
    };
    this.database.write(entry, ready ?? { json });
    return entry;
  }

  private bundle(body: unknown, preparation?: WritePreparation): FhirResponse {
    const entries = checkBundle(body, this.options.maxBundleEntries);
    const bundle = body as Bundle;
    const type = bundle.type === 'transaction' ? 'transaction-response' : 'batch-response';
    const responses =
      bundle.type === 'transaction'
        ? this.atomically(() => this.transaction(entries, preparation))
        : this.batch(entries);
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
        return errorEntry(error);
      }
    });
  }

  private transaction(entries: BundleEntry[], preparation?: WritePreparation): BundleEntry[] {
    const prepared = preparation?.entries.length === entries.length ? preparation : undefined;
    const references = prepared ? new Map(prepared.references) : assignReferences(entries);
    const order = entries
      .map((_, i) => i)
      .sort((a, b) => METHOD_ORDER[entries[a].request!.method] - METHOD_ORDER[entries[b].request!.method]);
    const responses: BundleEntry[] = new Array<BundleEntry>(entries.length);
    for (const i of order) {
      const entry = rewriteReferences(entries[i], references);
      try {
        const version = prepared?.entries[i];
        responses[i] = toResponseEntry(
          this.performEntry(
            entry,
            references.get(entries[i].fullUrl ?? ''),
            version && prepared ? { version, lastUpdated: prepared.lastUpdated } : undefined,
          ),
        );
      } catch (error) {
        if (error instanceof FhirError) {
          throw new FhirError(
            error.status,
            operationOutcome(
              error.outcome.issue?.[0]?.code ?? 'processing',
              `Transaction entry ${i} (${entryName(entries[i])}) failed: ${error.message}`,
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
  private performEntry(entry: BundleEntry, assignedReference?: string, prepared?: PreparedWrite): FhirResponse {
    const request = entry.request!;
    const headers: Record<string, string> = {};
    if (request.ifNoneExist) headers['if-none-exist'] = request.ifNoneExist;
    if (request.ifMatch) headers['if-match'] = request.ifMatch;
    if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
    const path = request.url.replace(/^\//, '');
    const route = parseRoute(request.method, path);
    if (route.kind === 'create' && assignedReference && entry.resource) {
      const resource = this.checkBody(route.resourceType, entry.resource);
      if (request.ifNoneExist) {
        const existing = this.conditionalMatches(route.resourceType, request.ifNoneExist, 2);
        if (existing.length > 1) throw new FhirError(412, 'ifNoneExist matches more than one resource');
        if (existing.length === 1) return respond(200, this.current(route.resourceType, existing[0]), this.baseUrl);
      }
      const id = assignedReference.split('/')[1];
      return respond(201, this.write({ ...resource, id }, undefined, prepared), this.baseUrl);
    }
    return this.perform(route, { method: request.method, path, headers, body: entry.resource });
  }
}

/** A search as a request asks for it: a type's or a patient compartment's, by GET/HEAD or `_search` POST. */
export interface SearchCall {
  resourceType: string;
  query: string;
  scope?: SearchScope;
  /** The searched path, for the Bundle's links (default: the type). */
  path?: string;
}

/** The search a search route asks for: a type's or a patient compartment's, by GET/HEAD or `_search` POST. */
export function searchCallOf(route: Extract<Route, { kind: 'search' }>, request: FhirRequest): SearchCall {
  const query = route.form ? [route.query, formQuery(request.body)].filter(Boolean).join('&') : route.query;
  if (route.patient === undefined) return { resourceType: route.resourceType, query };
  return {
    resourceType: route.resourceType,
    query,
    scope: { patient: route.patient },
    path: request.path.split('?')[0],
  };
}

/** The query of a `_search` POST body (form fields or their encoded text). */
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

/** An entry as its errors name it: its method and the type its url names, never the url's id or query. */
function entryName(entry: BundleEntry): string {
  const { method, url } = entry.request!;
  try {
    const route = parseRoute(method, url.replace(/^\//, ''));
    return 'resourceType' in route ? `${method} ${route.resourceType}` : method;
  } catch {
    return method;
  }
}

/** The response entry of a batch entry that failed. */
export const errorEntry = (error: FhirError): BundleEntry => ({
  response: { status: String(error.status), outcome: error.outcome },
});

export function toResponseEntry(response: FhirResponse): BundleEntry {
  const result: BundleEntryResponse = { status: String(response.status) };
  if (response.headers.location) result.location = response.headers.location;
  if (response.headers.etag) result.etag = response.headers.etag;
  if (response.headers['last-modified'])
    result.lastModified = new Date(response.headers['last-modified']).toISOString();
  if (isOperationOutcome(response.body)) result.outcome = response.body;
  const resource = isOperationOutcome(response.body) ? undefined : (response.body as Resource | undefined);
  return { ...(resource ? { resource } : {}), response: result };
}
