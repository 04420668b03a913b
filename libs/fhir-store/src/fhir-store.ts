import {
  BackendStatus,
  FHIR_JSON,
  FhirBackend,
  FhirError,
  FhirRequest,
  FhirResponse,
  loadFhirDefinitions,
} from '@ehr-gateway/fhir';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { FHIR_STORE_DEFAULTS } from './fhir-store.config';
import { parseRoute } from './rest-route';
import { checkBundle } from './rules/bundle-rules';
import { InProcessRunner, PlanRunner, WorkerRunner } from './search/plan-runner';
import { SearchScope, SearchService } from './search/search-service';
import { StoreDatabase } from './storage/store-database';
import {
  SearchCall,
  StoreEngine,
  currentVersion,
  errorEntry,
  lenient,
  searchCallOf,
  toResponseEntry,
} from './store-engine';
import { DEFAULT_WRITE_WORKERS, WritePreparer } from './writer/write-preparer';
import { InProcessWriter, WorkerWriter, Writer } from './writer/writer';

export interface FhirStoreOptions {
  /** SQLite file, or `:memory:`. */
  path: string;
  /** The base its links and locations carry; the gateway rewrites it to its own URL. */
  baseUrl?: string;
  /** A search running longer is stopped with `too-costly` (file stores; default 10 s). */
  searchBudgetMs?: number;
  /** Worker threads that run searches (file stores; default 1). */
  searchWorkers?: number;
  /** Largest number of entries in a transaction or batch Bundle. */
  maxBundleEntries?: number;
  /** Worker threads that validate and index transactions ahead of the writer (file stores; default 1). */
  writeWorkers?: number;
}

/**
 * The embedded FHIR R4 server: versioned resources and their search indexes in
 * SQLite (nothing of the data set in memory), searches compiled to SQL and run
 * in worker threads within a time budget, writes (validation, indexing, atomic
 * transactions, conditional create, update and delete) in a writer thread.
 * A `:memory:` store, which no other thread can open, does both in process.
 */
export class FhirStore implements FhirBackend {
  readonly baseUrl: string;
  /** This thread's connection: search planning (parameter ids) and the patient checks of compartment searches. */
  private readonly database: StoreDatabase;
  private readonly searches: SearchService;
  private readonly runner: PlanRunner;
  private readonly writer: Writer;
  private readonly maxBundleEntries?: number;

  constructor(options: FhirStoreOptions) {
    this.maxBundleEntries = options.maxBundleEntries;
    this.baseUrl = options.baseUrl ?? 'urn:ehr-gateway:fhir-store';
    // Search parsing (and migrating a first-format file) reads the search-parameter definitions.
    loadFhirDefinitions();
    this.database = new StoreDatabase(options.path);
    const budgetMs = options.searchBudgetMs ?? FHIR_STORE_DEFAULTS.searchBudgetMs;
    const engineOptions = {
      baseUrl: this.baseUrl,
      searchBudgetMs: budgetMs,
      maxBundleEntries: options.maxBundleEntries,
    };
    if (options.path === ':memory:') {
      this.runner = new InProcessRunner(this.database.db, budgetMs);
      this.writer = new InProcessWriter(new StoreEngine(this.database, engineOptions));
    } else {
      this.runner = new WorkerRunner(
        options.path,
        budgetMs,
        options.searchWorkers ?? FHIR_STORE_DEFAULTS.searchWorkers,
      );
      this.writer = new WorkerWriter(
        { path: options.path, options: engineOptions },
        new WritePreparer(options.writeWorkers ?? DEFAULT_WRITE_WORKERS),
      );
    }
    this.searches = new SearchService(this.database, this.runner, this.baseUrl);
  }

  /** Whether the store holds no resource of this type (used to seed once). */
  isEmpty(resourceType: string): boolean {
    return !this.database.hasLive(resourceType);
  }

  /**
   * A search restricted to the compartment of one patient (R4 `Patient/{id}/{type}`):
   * only resources that the Patient CompartmentDefinition links to that patient
   * (and, for `Patient`, the patient itself) can match. `resourceType` `*` searches
   * every type of the compartment.
   */
  async searchPatientCompartment(
    patientId: string,
    resourceType: string,
    query: string,
    headers: Record<string, string> = {},
  ): Promise<FhirResponse> {
    return this.respondTo(() =>
      this.searchResponse(resourceType, query, headers, { patient: patientId }, `Patient/${patientId}/${resourceType}`),
    );
  }

  async request(request: FhirRequest): Promise<FhirResponse> {
    const response = await this.respondTo(() => this.route(request));
    return request.method === 'HEAD' ? { status: response.status, headers: response.headers } : response;
  }

  async status(): Promise<BackendStatus> {
    return { reachable: true, auth: 'none' };
  }

  async close(): Promise<void> {
    await this.writer.close();
    await this.runner.close();
    this.database.close();
  }

  private async respondTo(work: () => FhirResponse | Promise<FhirResponse>): Promise<FhirResponse> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FhirError) return { status: error.status, headers: error.headers, body: error.outcome };
      throw error;
    }
  }

  /** Searches go to the search runner, everything else to the writer: neither runs on the event loop (file stores). */
  private route(request: FhirRequest): Promise<FhirResponse> {
    const route = parseRoute(request.method, request.path);
    const headers = request.headers ?? {};
    if (route.kind === 'search') {
      const search = searchCallOf(route, request);
      return this.searchResponse(search.resourceType, search.query, headers, search.scope, search.path);
    }
    if (route.kind === 'everything') return this.everything(route.patient, route.query, headers);
    if (route.kind === 'transaction') return this.bundle(request);
    return this.writer.handle(request);
  }

  /**
   * A transaction or batch, checked as a whole first (so that a refused Bundle is not prepared). A batch's
   * searches (its entries are independent, R4 3.1.0.11.1) run like any search, one after another: in a
   * search worker within the search budget, not in the writer thread that every read by id and write waits for.
   */
  private async bundle(request: FhirRequest): Promise<FhirResponse> {
    const entries = checkBundle(request.body, this.maxBundleEntries);
    const searches = (request.body as Bundle).type === 'batch' ? entries.map(entrySearch) : [];
    if (!searches.some(Boolean)) return this.writer.handle(request);
    const others = entries.filter((_, i) => !searches[i]);
    const written =
      others.length > 0 &&
      (await this.writer.handle({ ...request, body: { ...(request.body as Bundle), entry: others } }));
    if (written && written.status !== 200) return written;
    const answered = written ? [...((written.body as Bundle).entry ?? [])] : [];
    const responses: BundleEntry[] = [];
    for (const search of searches) responses.push(search ? await this.searchEntry(search) : answered.shift()!);
    return {
      status: 200,
      headers: { 'content-type': FHIR_JSON },
      body: { resourceType: 'Bundle', type: 'batch-response', entry: responses } satisfies Bundle,
    };
  }

  private async searchEntry(search: SearchCall): Promise<BundleEntry> {
    try {
      return toResponseEntry(
        await this.searchResponse(search.resourceType, search.query, {}, search.scope, search.path),
      );
    } catch (error) {
      if (!(error instanceof FhirError)) throw error;
      return errorEntry(error);
    }
  }

  private async searchResponse(
    resourceType: string,
    query: string,
    headers: Record<string, string>,
    scope?: SearchScope,
    path?: string,
  ): Promise<FhirResponse> {
    const body = await this.searches.search(resourceType, query, { lenient: lenient(headers), scope, path });
    return { status: 200, headers: { 'content-type': FHIR_JSON }, body };
  }

  /** `Patient/{id}/$everything`: the patient and every resource of its compartment, paged; `_type` names some types. */
  private async everything(patient: string, query: string, headers: Record<string, string>): Promise<FhirResponse> {
    currentVersion(this.database, 'Patient', patient);
    const params = new URLSearchParams(query);
    for (const name of ['_since', 'start', 'end']) {
      if (params.has(name)) throw FhirError.badRequest(`$everything does not support '${name}' here`);
    }
    return this.searchResponse('*', query, headers, { patient }, `Patient/${patient}/$everything`);
  }
}

/** The search a Bundle entry asks for, or undefined (another interaction, or a url the writer will refuse). */
function entrySearch(entry: BundleEntry): SearchCall | undefined {
  const request = entry.request!;
  const path = request.url.replace(/^\//, '');
  try {
    const route = parseRoute(request.method, path);
    return route.kind === 'search'
      ? searchCallOf(route, { method: request.method, path, body: entry.resource })
      : undefined;
  } catch {
    return undefined;
  }
}
