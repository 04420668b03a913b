import { Injectable } from '@nestjs/common';
import { OperationEvents } from '@ehr-gateway/events';
import type { Bundle, BundleEntry, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { UNKNOWN_SOURCE } from './constants';
import { FhirError } from './errors/fhir-error';
import { describeOutcome, isOperationOutcome } from './errors/operation-outcome';
import { InjectFhirOptions } from './fhir.module-definition';
import { EVENT_TYPE_OF, FhirOperation, entryOperation, searchesWholeCompartment, toFhirRequest } from './interaction';
import type { FhirBackend, FhirResponse } from './interfaces/fhir-backend.interface';
import type { FhirModuleOptions } from './interfaces/fhir-module-options.interface';
import { assertResourceType } from './resource-types';
import { FHIR_ID_PATTERN, referenceOfUrl } from './routes/fhir-routes';
import { FhirSources } from './sources/fhir-sources';
import type { SourceConfig } from './sources/source-definition';

export interface SourceOption {
  /** The source to use; the default source when absent. */
  source?: string;
}

export type SearchParams = string | Record<string, string | number | Array<string | number>>;

const DEFAULT_MAX_PAGES = 10;
/** Entry events recorded between two turns of the event loop. */
const ENTRY_EVENTS_PER_SLICE = 100;

function toQuery(params: SearchParams | undefined): string | undefined {
  if (params === undefined || typeof params === 'string') return params?.replace(/^\?/, '') || undefined;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
  }
  return query.toString() || undefined;
}

/**
 * The ids an operation carries (from HTTP, a message or code), checked against the route table's id pattern:
 * an id is one path segment, never a query (`?name=smith` would make a conditional delete) or a path.
 */
function checkIds(operation: FhirOperation): void {
  for (const [field, value] of [
    ['id', operation.id],
    ['version id', operation.versionId],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || !FHIR_ID_PATTERN.test(value))) {
      throw FhirError.badRequest(`The ${field} is not a valid FHIR id`);
    }
  }
}

/** An id an interaction on one resource needs: absent, it would become an interaction on the type. */
function requiredId(id: unknown): string {
  if (typeof id !== 'string') throw FhirError.badRequest('The operation needs an id');
  return id;
}

function versionFromEtag(etag: string | undefined): string | undefined {
  return etag?.match(/^(?:W\/)?"(.+)"$/)?.[1];
}

/** The id and version of a Location header (`.../Type/id[/_history/vid]`). */
function idFromLocation(location: string | undefined): { id?: string; versionId?: string } {
  const reference = location === undefined ? undefined : referenceOfUrl(location);
  return { id: reference?.id, versionId: reference?.versionId };
}

/**
 * Every FHIR interaction against every source, from HTTP and from code alike,
 * and the one place FHIR events are emitted: one per operation, one per entry
 * of a transaction or batch, none for `capabilities`.
 */
@Injectable()
export class FhirGateway {
  constructor(
    private readonly sources: FhirSources,
    private readonly operationEvents: OperationEvents,
    @InjectFhirOptions() private readonly options: FhirModuleOptions,
  ) {}

  /** Adds an upstream source at runtime (a connection string or an object, validated like configuration). */
  addSource(name: string, config: SourceConfig): void {
    this.sources.addSource(name, config);
  }

  /** Performs an operation and returns the source's raw answer (any status); transport failures throw `FhirError`. */
  async execute(sourceName: string | undefined, operation: FhirOperation): Promise<FhirResponse> {
    const resolved = this.resolve(sourceName);
    // A name no source has is never recorded (events, metrics, audit): it could be anything a caller typed.
    const name = resolved?.name ?? UNKNOWN_SOURCE;
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      checkIds(operation);
      if (operation.resourceType !== undefined && !searchesWholeCompartment(operation)) {
        assertResourceType(operation.resourceType);
      }
      // The caller is authenticated (and asked about) before learning whether the source exists.
      const grant = await this.options.accessControl?.authorize(name, operation, (resourceType, id) =>
        resolved ? readQuietly(resolved.backend, resourceType, id) : Promise.resolve(undefined),
      );
      const { backend } = resolved ?? this.sources.get(sourceName);
      const answer = await backend.request(toFhirRequest(grant?.operation ?? operation));
      const response = grant ? await grant.checkResponse(answer) : answer;
      await this.recordResponse(name, operation, response, durationMs());
      return response;
    } catch (error) {
      if (!(error instanceof FhirError)) throw error;
      await this.recordFailure(name, operation, error.status, error.problem, durationMs());
      throw error;
    }
  }

  private resolve(sourceName: string | undefined): ReturnType<FhirSources['get']> | undefined {
    const name = sourceName ?? this.sources.defaultSource;
    return this.sources.names().includes(name) ? this.sources.get(name) : undefined;
  }

  async read<T extends Resource = Resource>(resourceType: string, id: string, options: SourceOption = {}): Promise<T> {
    return this.expect<T>(options.source, { interaction: 'read', resourceType, id: requiredId(id) });
  }

  async vread<T extends Resource = Resource>(
    resourceType: string,
    id: string,
    versionId: string,
    options: SourceOption = {},
  ): Promise<T> {
    return this.expect<T>(options.source, {
      interaction: 'vread',
      resourceType,
      id: requiredId(id),
      versionId: requiredId(versionId),
    });
  }

  /**
   * One search request; with `followNext`, the `next` pages too (up to `maxPages`),
   * their entries gathered into the first page's Bundle.
   */
  async search<T extends Resource = Resource>(
    resourceType: string,
    params?: SearchParams,
    options: SourceOption & { followNext?: boolean; maxPages?: number } = {},
  ): Promise<Bundle<T>> {
    if (!options.followNext) {
      return this.expect<Bundle<T>>(options.source, { interaction: 'search', resourceType, query: toQuery(params) });
    }
    let first: Bundle<T> | undefined;
    for await (const page of this.searchPages<T>(resourceType, params, options)) {
      if (!first) first = { ...page, entry: [...(page.entry ?? [])] };
      else first.entry!.push(...(page.entry ?? []));
    }
    first!.link = first!.link?.filter((link) => link.relation !== 'next');
    return first!;
  }

  /**
   * A search in the compartment of one patient (R4 `Patient/{id}/{type}`): of one type, or with `resourceType`
   * `*` of every type of it (`_type` in `params` names some).
   */
  async searchCompartment<T extends Resource = Resource>(
    patientId: string,
    resourceType: string,
    params?: SearchParams,
    options: SourceOption = {},
  ): Promise<Bundle<T>> {
    return this.expect<Bundle<T>>(options.source, {
      interaction: 'search',
      resourceType,
      id: patientId,
      query: toQuery(params),
    });
  }

  /** The pages of a search, one request (and one event) per page, up to `maxPages`. */
  async *searchPages<T extends Resource = Resource>(
    resourceType: string,
    params?: SearchParams,
    options: SourceOption & { maxPages?: number } = {},
  ): AsyncGenerator<Bundle<T>> {
    const maxPages = options.maxPages ?? this.options.maxSearchPages ?? DEFAULT_MAX_PAGES;
    const { backend } = this.sources.get(options.source);
    let query = toQuery(params);
    for (let page = 0; page < maxPages; page++) {
      const bundle = await this.expect<Bundle<T>>(options.source, { interaction: 'search', resourceType, query });
      yield bundle;
      const next = bundle.link?.find((link) => link.relation === 'next')?.url;
      if (!next) return;
      const relative = next.startsWith(backend.baseUrl) ? next.slice(backend.baseUrl.length) : next;
      query = relative.includes('?') ? relative.slice(relative.indexOf('?') + 1) : undefined;
      if (!query) return;
    }
  }

  async create<T extends Resource>(resource: T, options: SourceOption & { ifNoneExist?: string } = {}): Promise<T> {
    const headers = options.ifNoneExist ? { 'if-none-exist': options.ifNoneExist } : undefined;
    return this.expect<T>(options.source, {
      interaction: 'create',
      resourceType: resource.resourceType,
      body: resource,
      headers,
    });
  }

  async update<T extends Resource>(resource: T, options: SourceOption & { ifMatch?: string } = {}): Promise<T> {
    if (!resource.id) throw FhirError.badRequest('update needs a resource with an id');
    const headers = options.ifMatch ? { 'if-match': options.ifMatch } : undefined;
    return this.expect<T>(options.source, {
      interaction: 'update',
      resourceType: resource.resourceType,
      id: resource.id,
      body: resource,
      headers,
    });
  }

  async patch<T extends Resource = Resource>(
    resourceType: string,
    id: string,
    operations: unknown[],
    options: SourceOption & { ifMatch?: string } = {},
  ): Promise<T> {
    const headers = options.ifMatch ? { 'if-match': options.ifMatch } : undefined;
    return this.expect<T>(options.source, {
      interaction: 'patch',
      resourceType,
      id: requiredId(id),
      body: operations,
      headers,
    });
  }

  async delete(resourceType: string, id: string, options: SourceOption = {}): Promise<void> {
    await this.expect(options.source, { interaction: 'delete', resourceType, id: requiredId(id) });
  }

  async history(
    resourceType: string,
    id?: string,
    options: SourceOption & { params?: SearchParams } = {},
  ): Promise<Bundle> {
    return this.expect<Bundle>(options.source, {
      interaction: 'history',
      resourceType,
      id,
      query: toQuery(options.params),
    });
  }

  async transaction(bundle: Bundle, options: SourceOption = {}): Promise<Bundle> {
    return this.expect<Bundle>(options.source, { interaction: 'transaction', body: bundle });
  }

  async batch(bundle: Bundle, options: SourceOption = {}): Promise<Bundle> {
    return this.expect<Bundle>(options.source, { interaction: 'batch', body: bundle });
  }

  async capabilities(options: SourceOption = {}): Promise<CapabilityStatement> {
    return this.expect<CapabilityStatement>(options.source, { interaction: 'capabilities' });
  }

  /** Runs an operation and returns its body, or throws the source's error as a `FhirError`. */
  private async expect<T>(source: string | undefined, operation: FhirOperation): Promise<T> {
    const response = await this.execute(source, operation);
    if (response.status >= 400) {
      throw FhirError.fromAnswer(response.status, response.body);
    }
    return response.body as T;
  }

  private async recordResponse(
    source: string,
    operation: FhirOperation,
    response: FhirResponse,
    durationMs: number,
  ): Promise<void> {
    if (operation.interaction === 'capabilities') return;
    if (operation.interaction === 'transaction' || operation.interaction === 'batch') {
      await this.recordEntries(source, operation, response);
      return;
    }
    const body = response.body as (Resource & { total?: number; entry?: unknown[] }) | undefined;
    const failed = response.status >= 400;
    const fromLocation = idFromLocation(response.headers.location);
    const isResource = !failed && body?.resourceType === operation.resourceType;
    await this.record(source, operation, response.status, {
      resourceId: operation.id ?? fromLocation.id ?? (isResource ? body?.id : undefined),
      versionId:
        operation.versionId ??
        fromLocation.versionId ??
        versionFromEtag(response.headers.etag) ??
        (isResource ? body?.meta?.versionId : undefined),
      resultCount:
        operation.interaction === 'search' && !failed ? (body?.total ?? body?.entry?.length ?? 0) : undefined,
      resource: isResource ? body : undefined,
      error: failed ? failureMessage(response) : undefined,
      durationMs,
    });
  }

  /**
   * One event per entry of a transaction or batch, with that entry's own
   * operation and status; in slices, yielding to the event loop between them,
   * so that a bundle of thousands of entries does not hold it.
   */
  private async recordEntries(source: string, operation: FhirOperation, response: FhirResponse): Promise<void> {
    // The request as the client sent it, refused or not: entries may be anything.
    const sent: unknown = (operation.body as Bundle | undefined)?.entry;
    const requestEntries = (Array.isArray(sent) ? sent : []) as Array<BundleEntry | null | undefined>;
    const responseEntries = response.status < 400 ? ((response.body as Bundle | undefined)?.entry ?? []) : [];
    for (const [index, entry] of requestEntries.entries()) {
      if (index > 0 && index % ENTRY_EVENTS_PER_SLICE === 0) await new Promise(setImmediate);
      if (typeof entry?.request?.method !== 'string' || typeof entry.request.url !== 'string') continue;
      const entryOp = entryOperation(entry.request.method, entry.request.url);
      if (!entryOp || !(entryOp.interaction in EVENT_TYPE_OF)) continue;
      const result = responseEntries[index]?.response;
      const status = result ? Number.parseInt(result.status, 10) : response.status >= 400 ? response.status : 500;
      const location = idFromLocation(result?.location);
      await this.record(source, entryOp, status, {
        resourceId: entryOp.id ?? location.id,
        versionId: location.versionId ?? versionFromEtag(result?.etag),
        resource: status < 400 ? entry.resource : undefined,
        error: status >= 400 ? (failureMessage(response) ?? `entry failed with HTTP ${status}`) : undefined,
      });
    }
  }

  private async recordFailure(
    source: string,
    operation: FhirOperation,
    status: number,
    error: string,
    durationMs: number,
  ): Promise<void> {
    if (operation.interaction === 'capabilities') return;
    if (operation.interaction === 'transaction' || operation.interaction === 'batch') {
      await this.recordEntries(source, operation, { status, headers: {}, body: undefined });
      return;
    }
    await this.record(source, operation, status, {
      resourceId: operation.id,
      versionId: operation.versionId,
      error,
      durationMs,
    });
  }

  private async record(
    source: string,
    operation: FhirOperation,
    status: number,
    facts: {
      resourceId?: string;
      versionId?: string;
      resultCount?: number;
      resource?: unknown;
      error?: string;
      /** The whole operation as the source answered it (not given per transaction entry). */
      durationMs?: number;
    },
  ): Promise<void> {
    if (this.options.events === false) return;
    const interaction = operation.interaction as keyof typeof EVENT_TYPE_OF;
    // A compartment search's id is the patient's, not a resource's of the type searched: the event names it apart.
    const compartment =
      operation.interaction === 'search' && operation.id !== undefined ? `Patient/${operation.id}` : undefined;
    // A search of every type of a compartment is about that patient: its resource type is `Patient`.
    const resourceType = searchesWholeCompartment(operation) ? 'Patient' : operation.resourceType;
    await this.operationEvents.record(
      {
        eventType: EVENT_TYPE_OF[interaction],
        operation: interaction,
        source,
        details: {
          resourceType,
          resourceId: compartment ? undefined : facts.resourceId,
          compartment,
          versionId: facts.versionId,
          resultCount: facts.resultCount,
          resource: this.options.includeResourceInEvents ? facts.resource : undefined,
        },
      },
      status < 400
        ? { outcome: 'success', status, durationMs: facts.durationMs }
        : { outcome: 'failure', status, error: facts.error ?? `HTTP ${status}`, durationMs: facts.durationMs },
    );
  }
}

/** A resource as its source holds it (`undefined` when absent), for access checks: no event, no access check. */
async function readQuietly(backend: FhirBackend, resourceType: string, id: string): Promise<unknown> {
  const response = await backend.request({ method: 'GET', path: `${resourceType}/${id}` });
  return response.status === 200 ? response.body : undefined;
}

function failureMessage(response: FhirResponse): string | undefined {
  if (response.status < 400) return undefined;
  const body = response.body;
  if (isOperationOutcome(body)) return describeOutcome(body);
  return `HTTP ${response.status}`;
}
