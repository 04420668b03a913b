import { Inject, Injectable } from '@nestjs/common';
import { RequestContextService, type AuthorizationDecision, type PresentedCredentials } from '@ehr-gateway/events';
import {
  entryOperation,
  FhirError,
  operationOutcome,
  referenceOfUrl,
  resourceTypes,
  searchesWholeCompartment,
  type FhirAccessControl,
  type FhirAccessGrant,
  type FhirOperation,
  type FhirResponse,
  type ResourceLookup,
} from '@ehr-gateway/fhir';
import type { Bundle, BundleEntry, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { denialError, type Denial } from './access-denial';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import { FHIR_ACCESS_POLICY } from './constants';
import { SmartDiscovery } from './discovery/smart-discovery';
import { InboundAuthenticator, MissingCredentialError } from './inbound-authenticator';
import type { AccessDecision, FhirAccessPolicy, SearchNarrowing } from './interfaces/access-policy.interface';
import type { AuthModuleOptions } from './interfaces/auth-module-options.interface';
import type { Caller } from './interfaces/caller.interface';
import { patchedResource, pinnedTo } from './patched-resource';
import { PatientCompartment } from './patient-compartment';
import { permissionOf } from './permissions';
import { PolicyLookups } from './policy-lookups';
import { searchJoins, typesJoined } from './search-joins';
import type { Permission } from './scopes';
import { InvalidTokenError } from './token/smart-token-verifier';

const unchecked = (operation: FhirOperation): FhirAccessGrant => ({
  operation,
  checkResponse: async (response) => response,
});

const isResource = (value: unknown): value is Resource =>
  typeof value === 'object' && value !== null && typeof (value as Resource).resourceType === 'string';

/**
 * `query` and the narrowing's parameters, AND-ed. A narrowing the query already has, parameter and value
 * alike (`patient=Patient/1` when the app asked for exactly that), is not repeated: the search means the
 * same, and the store would only filter twice. (A bare id is not taken as the same: `subject=1` may name
 * another type's resource.)
 */
const withQuery = (query: string | undefined, extra: SearchNarrowing) => {
  const asked = new URLSearchParams(query ?? '');
  const alreadyAsked = (name: string, value: string) => asked.getAll(name).includes(value);
  const added = Object.entries(extra).flatMap(([name, values]) =>
    [values]
      .flat()
      .filter((value) => !alreadyAsked(name, value))
      .map((value): [string, string] => [name, value]),
  );
  return [query, new URLSearchParams(added).toString()].filter(Boolean).join('&');
};

/** What one operation's check found: the operation to perform, and whether the caller sees only part of a type. */
interface CheckedOperation {
  operation: FhirOperation;
  /** The caller reaches only part of the type (its search is narrowed): answers lose `total` when not narrowed at the source. */
  confined: boolean;
  /** What the answer must tell the caller about how its search was narrowed (an OperationOutcome entry). */
  notice?: string;
}

/** Whether an allowed decision leaves the caller only part of the type (a narrowing says so too). */
const reachesPart = (decision: AccessDecision) =>
  decision.allowed && (decision.narrowing !== undefined || decision.partial === true);

/**
 * The types a search of every type names in `_type` (repeated: those every one names); undefined without
 * `_type`. A value that is no resource type is refused here, as the store would (so that no answer names it).
 */
function typesAsked(query: URLSearchParams): string[] | undefined {
  const lists = query.getAll('_type').map((value) => value.split(','));
  if (lists.length === 0) return undefined;
  const known = new Set(resourceTypes());
  if (lists.flat().some((type) => !known.has(type))) {
    throw FhirError.badRequest("Search parameter '_type' must list resource types");
  }
  return [...new Set(lists[0])].filter((type) => lists.every((list) => list.includes(type)));
}

/** `query` with `_type` set to `types`, where the first `_type` was (or at the end). */
function withTypes(query: URLSearchParams, types: readonly string[]): string {
  const entries = [...query.entries()];
  const at = entries.findIndex(([name]) => name === '_type');
  const kept = entries.filter(([name]) => name !== '_type');
  kept.splice(at < 0 ? kept.length : at, 0, ['_type', types.join(',')]);
  return new URLSearchParams(kept).toString();
}

/**
 * Inbound authorization of every FHIR operation (the `FhirAccessControl` of
 * `FhirGateway`): authenticates the credential the call presented, asks the
 * access policy about the operation (each entry of a transaction or batch), the
 * resources it writes or finds before changing them, and every resource the
 * source answers with, whatever the source. Records the caller and the decision
 * in the request context, for the operation's event. Audit-only mode lets
 * everything through and records `would-deny`.
 */
@Injectable()
export class FhirAuthorizer implements FhirAccessControl {
  private readonly enforce: boolean;
  private readonly compartment = new PatientCompartment();

  constructor(
    private readonly authenticator: InboundAuthenticator,
    @Inject(FHIR_ACCESS_POLICY) private readonly policy: FhirAccessPolicy,
    private readonly requestContext: RequestContextService,
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly discovery: SmartDiscovery,
    private readonly policyLookups: PolicyLookups,
  ) {
    this.enforce = options.enforce ?? true;
  }

  async authorize(source: string, operation: FhirOperation, lookup: ResourceLookup): Promise<FhirAccessGrant> {
    // Capabilities are public: clients discover how to authorize there.
    if (operation.interaction === 'capabilities') return this.capabilities(operation);
    const presented = this.requestContext.presentedCredentials();
    // No credentials, or an access policy's own lookup: an operation of the gateway's own code.
    if (!presented || this.policyLookups.active) return unchecked(operation);
    this.decide({ decision: 'allow' });
    const caller = await this.callerOf(presented);
    if (!caller) return unchecked(operation);

    if (operation.interaction === 'transaction' || operation.interaction === 'batch') {
      return this.authorizeBundle(caller, source, operation, lookup);
    }
    const checked = await this.checkOperation(caller, source, operation, lookup);
    if ('denial' in checked) this.refuse(checked.denial);
    const allowed: CheckedOperation = 'denial' in checked ? { operation, confined: false } : checked;
    return {
      operation: allowed.operation,
      checkResponse: async (response) =>
        withNotice(await this.checkAnswer(caller, source, operation, response, allowed.confined), allowed.notice),
    };
  }

  /** A source's CapabilityStatement, with the SMART `security` element when SMART tokens are accepted. */
  private capabilities(operation: FhirOperation): FhirAccessGrant {
    if (!this.discovery.enabled) return unchecked(operation);
    return {
      operation,
      checkResponse: async (response) => {
        const statement = response.body as CapabilityStatement | undefined;
        if (response.status !== 200 || statement?.resourceType !== 'CapabilityStatement') return response;
        const security = await this.discovery.security();
        const rest = (statement.rest ?? [{ mode: 'server' as const }]).map((entry) => ({ ...entry, security }));
        return { ...response, body: { ...statement, rest } };
      },
    };
  }

  /** The authenticated caller, put in the request context; a failure is a 401 (or `would-deny` in audit-only mode). */
  private async callerOf(presented: PresentedCredentials): Promise<Caller | undefined> {
    let caller: Caller;
    try {
      caller = await this.authenticator.authenticate(presented, this.requestContext.current().user);
    } catch (error) {
      if (!(error instanceof InvalidTokenError) && !(error instanceof MissingCredentialError)) throw error;
      this.refuse({ status: 401, reason: error.message }, !(error instanceof MissingCredentialError));
      return undefined;
    }
    this.requestContext.assign({
      user: caller.user,
      clientId: caller.clientId,
      patient: caller.patient === undefined ? undefined : `Patient/${caller.patient}`,
      scopes: caller.grantedScopes.length > 0 ? caller.grantedScopes : undefined,
      purposeOfUse: caller.purposeOfUse,
    });
    return caller;
  }

  /** One interaction: the policy's answer, and the resources it writes or will change. */
  private async checkOperation(
    caller: Caller,
    source: string,
    operation: FhirOperation,
    lookup: ResourceLookup,
  ): Promise<CheckedOperation | { denial: Denial }> {
    const permission = permissionOf(operation);
    if (!permission) return { operation, confined: false };
    if (searchesWholeCompartment(operation)) return this.checkWholeCompartment(caller, source, operation);
    const resourceType = operation.resourceType ?? '*';
    const ask = (asked: Permission, interaction = operation.interaction, id = operation.id) =>
      this.policy.checkRequest({ caller, source, permission: asked, interaction, resourceType, id });
    const decision = await ask(permission);
    if (!decision.allowed) return { denial: { status: this.refusedSearchStatus(caller, operation), ...decision } };
    if (permission === 'c' || permission === 'u') {
      if (isResource(operation.body)) {
        const denial = await this.checkResource(caller, operation.body, permission);
        if (denial) return { denial };
      }
    }
    let checkedOperation = operation;
    if ((permission === 'u' || permission === 'd') && operation.id !== undefined && operation.resourceType) {
      const existing = await lookup(operation.resourceType, operation.id);
      if (isResource(existing)) {
        const denial = await this.checkResource(caller, existing, permission);
        if (denial) return { denial };
        if (operation.interaction === 'patch') {
          const patched = patchedResource(existing, operation.body);
          if ('problem' in patched) return { denial: { status: 403, reason: patched.problem } };
          const denial = await this.checkResource(caller, patched.resource, 'u');
          if (denial) return { denial: { ...denial, reason: `the patched ${denial.reason}` } };
          checkedOperation = pinnedTo(operation, existing);
        }
      }
    }
    // What selects resources by a search must be a search the caller may run, narrowed alike: the condition
    // of a conditional update or delete, and a conditional create's If-None-Exist (else it reveals matches).
    let selection: AccessDecision = decision;
    const ifNoneExist = operation.interaction === 'create' ? operation.headers?.['if-none-exist'] : undefined;
    if (((permission === 'u' || permission === 'd') && operation.id === undefined) || ifNoneExist !== undefined) {
      const asked = await ask('s', 'search', undefined);
      if (!asked.allowed) return { denial: { status: 403, ...asked } };
      selection = asked;
    }
    const narrowing = selection.allowed ? selection.narrowing : undefined;
    // An instance history's answer lists deleted versions too: whether the caller reaches the whole type decides.
    let confined = reachesPart(selection);
    if (operation.interaction === 'history' && operation.id !== undefined) {
      const search = await ask('s', 'search', undefined);
      confined = !search.allowed || reachesPart(search);
    }
    const joined = await this.joinDenial(caller, source, ifNoneExist ?? operation.query, [resourceType], confined);
    if (joined) return { denial: joined };
    if (!narrowing || !this.enforce) return { operation: checkedOperation, confined };
    if (ifNoneExist !== undefined) {
      const headers = { ...operation.headers, 'if-none-exist': withQuery(ifNoneExist, narrowing) };
      return { operation: { ...checkedOperation, headers }, confined };
    }
    // History takes no search parameters: its answer is filtered instead.
    if (operation.interaction === 'history') return { operation: checkedOperation, confined };
    return { operation: { ...checkedOperation, query: withQuery(operation.query, narrowing) }, confined };
  }

  /**
   * `Patient/{id}/*`: each type of the compartment (or of `_type`) is asked of the policy as a search of that
   * type in that compartment, and `_type` becomes the types allowed (the answer says which were left out). A
   * type's narrowing (a compartment parameter, a scope's `?category=`) cannot join a search over several
   * types: every resource returned is checked instead. Asked again on the next page, the same `_type` comes
   * back: the links stay as they are.
   */
  private async checkWholeCompartment(
    caller: Caller,
    source: string,
    operation: FhirOperation,
  ): Promise<CheckedOperation | { denial: Denial }> {
    const query = new URLSearchParams(operation.query ?? '');
    const asked = typesAsked(query);
    const candidates = asked ?? this.compartment.types();
    const decisions = await Promise.all(
      candidates.map(async (resourceType) =>
        this.policy.checkRequest({
          caller,
          source,
          permission: 's',
          interaction: 'search',
          resourceType,
          id: operation.id,
        }),
      ),
    );
    const allowed = candidates.filter((_, index) => decisions[index].allowed);
    const left = candidates.filter((_, index) => !decisions[index].allowed);
    if (allowed.length === 0) {
      const reasons = new Set(decisions.map((decision) => (decision.allowed ? '' : decision.reason)));
      const [only] = decisions;
      return {
        denial: {
          status: this.refusedSearchStatus(caller, operation),
          reason: reasons.size === 1 && !only.allowed ? only.reason : 'no scope grants s on a type searched',
          requiredScope: candidates.length === 1 && !only.allowed ? only.requiredScope : undefined,
        },
      };
    }
    const confined = decisions.some(reachesPart);
    const joined = await this.joinDenial(caller, source, operation.query, allowed, confined);
    if (joined) return { denial: joined };
    if (left.length === 0) return { operation, confined };
    const notice = asked
      ? `Left out of _type, not permitted to this token: ${left.join(', ')}`
      : `Searched only the resource types permitted to this token: ${allowed.join(', ')}`;
    if (!this.enforce) {
      this.decide({ decision: 'would-deny', reason: `types the token may not search: ${left.join(', ')}` });
      return { operation, confined };
    }
    return { operation: { ...operation, query: withTypes(query, allowed) }, confined, notice };
  }

  /**
   * A chain, `_has` or `_filter` matches on other resources than those returned: each query tells one fact about
   * them. Allowed only when the caller reaches the whole of every type searched and every type the join matches
   * on (`*` when that cannot be told), else refused naming the parameter.
   */
  private async joinDenial(
    caller: Caller,
    source: string,
    query: string | undefined,
    searched: string[],
    confined: boolean,
  ): Promise<Denial | undefined> {
    for (const join of searchJoins(query)) {
      if (confined) {
        const types = searched.length === 1 ? searched[0] : 'the types searched';
        return { status: 403, reason: `${join.described} refused: this token reaches only part of ${types}` };
      }
      const joined = new Set(searched.flatMap((type) => typesJoined(type, join.name) ?? ['*']));
      for (const resourceType of joined) {
        const decision = await this.policy.checkRequest({
          caller,
          source,
          permission: 's',
          interaction: 'search',
          resourceType,
        });
        if (decision.allowed && !reachesPart(decision)) continue;
        const type = resourceType === '*' ? 'any type' : resourceType;
        return {
          status: 403,
          reason: `${join.described} refused: it matches on ${type}, which this token does not reach whole`,
        };
      }
    }
    return undefined;
  }

  /** A refused search answers 403, one of another patient's compartment than the token's like a refused read. */
  private refusedSearchStatus(caller: Caller, operation: FhirOperation): Denial['status'] {
    const otherCompartment =
      operation.interaction === 'search' &&
      operation.id !== undefined &&
      caller.patient !== undefined &&
      operation.id !== caller.patient;
    return otherCompartment ? (this.options.deniedReadStatus ?? 403) : 403;
  }

  private async checkResource(caller: Caller, resource: Resource, permission: 'r' | 'c' | 'u' | 'd') {
    const decision = await this.policy.checkResource(caller, resource, permission);
    if (decision.allowed) return undefined;
    const status = permission === 'r' ? (this.options.deniedReadStatus ?? 403) : 403;
    return { status, reason: decision.reason, requiredScope: decision.requiredScope } satisfies Denial;
  }

  /** Checks what the source answered: a read outside the caller's reach is refused, search results are withheld. */
  private async checkAnswer(
    caller: Caller,
    source: string,
    operation: FhirOperation,
    response: FhirResponse,
    confined: boolean,
  ): Promise<FhirResponse> {
    if (response.status >= 400 || !isResource(response.body)) return response;
    if (operation.interaction === 'read' || operation.interaction === 'vread') {
      const denial = await this.checkResource(caller, response.body, 'r');
      if (!denial) return response;
      this.refuse(denial);
      return response;
    }
    if (response.body.resourceType === 'Bundle' && permissionOf(operation) !== undefined) {
      return { ...response, body: await this.withheld(caller, source, response.body, confined) };
    }
    return response;
  }

  /**
   * A Bundle without the entries the caller may not see: resources it does not reach, and entries with no
   * resource (a history's deleted versions) of a type it reaches only in part. `total` is dropped when any
   * entry was withheld, or when the caller is `confined` (the count is then not the caller's).
   */
  private async withheld(caller: Caller, source: string, bundle: Bundle, confined = false): Promise<Bundle> {
    const kept: BundleEntry[] = [];
    let firstDenial: Denial | undefined;
    const wholeType = new Map<string, Promise<boolean>>();
    const reachesWholeType = (resourceType: string) => {
      if (!wholeType.has(resourceType)) {
        const decision = this.policy.checkRequest({
          caller,
          source,
          permission: 's',
          interaction: 'search',
          resourceType,
        });
        wholeType.set(
          resourceType,
          Promise.resolve(decision).then((d) => d.allowed && !reachesPart(d)),
        );
      }
      return wholeType.get(resourceType)!;
    };
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      let denial: Denial | undefined;
      if (resource && resource.resourceType !== 'OperationOutcome') {
        denial = await this.checkResource(caller, resource, 'r');
      } else if (!resource && (entry.request?.url ?? entry.fullUrl)) {
        // No resource to check, yet a reference to one (a deleted version): only for whom sees the whole type.
        const resourceType = referenceOfUrl(entry.request?.url ?? entry.fullUrl!)?.resourceType;
        if (!resourceType || !(await reachesWholeType(resourceType))) {
          denial = { status: 403, reason: 'an entry without a resource, of a type the token reaches only in part' };
        }
      }
      if (!denial) kept.push(entry);
      else firstDenial ??= denial;
    }
    if (!firstDenial && !confined) return bundle;
    if (!this.enforce) {
      if (firstDenial) this.decide({ decision: 'would-deny', reason: `results withheld: ${firstDenial.reason}` });
      return bundle;
    }
    const { total: _total, ...rest } = bundle;
    return { ...rest, entry: kept };
  }

  /**
   * A transaction or batch, entry by entry: a denied entry fails a transaction,
   * and answers 403 in its own entry of a batch (the others run).
   */
  private async authorizeBundle(
    caller: Caller,
    source: string,
    operation: FhirOperation,
    lookup: ResourceLookup,
  ): Promise<FhirAccessGrant> {
    const bundle = operation.body as Bundle;
    const entries = entriesOf(bundle);
    const denied = new Map<number, Denial>();
    const confined = new Set<number>();
    const checkedEntries: BundleEntry[] = [];
    for (const [index, entry] of entries.entries()) {
      const classified = entryOperation(entry.request!.method, entry.request!.url);
      // An entry whose request is not a FHIR interaction cannot be authorized: refused, never passed on.
      if (!classified) {
        denied.set(index, { status: 403, reason: `entry ${index}: not a recognised FHIR interaction` });
        continue;
      }
      const { ifNoneExist, ifMatch } = entry.request!;
      const headers = { ...(ifNoneExist && { 'if-none-exist': ifNoneExist }), ...(ifMatch && { 'if-match': ifMatch }) };
      const entryOp = { ...classified, body: entry.resource, headers };
      const checked = await this.checkOperation(caller, source, entryOp, lookup);
      if ('denial' in checked) {
        denied.set(index, { ...checked.denial, reason: `entry ${index}: ${checked.denial.reason}` });
        continue;
      }
      if (checked.confined) confined.add(index);
      checkedEntries.push(checkedRequest(entry, checked.operation));
    }
    if (denied.size > 0) {
      const first = denied.values().next().value!;
      if (!this.enforce) {
        this.decide({ decision: 'would-deny', reason: first.reason, requiredScope: first.requiredScope });
        return unchecked(operation);
      }
      if (operation.interaction === 'transaction') this.refuse(first);
      this.decide({ decision: 'deny', reason: first.reason, requiredScope: first.requiredScope });
    }
    return {
      operation: { ...operation, body: { ...bundle, entry: checkedEntries } },
      checkResponse: async (response) => {
        if (response.status >= 400 || !isResource(response.body)) return response;
        const answered = [...((response.body as Bundle).entry ?? [])];
        const merged: BundleEntry[] = [];
        for (const index of entries.keys()) {
          const denial = denied.get(index);
          merged.push(
            denial
              ? deniedEntry(denial)
              : await this.checkedEntry(caller, source, answered.shift(), confined.has(index)),
          );
        }
        return { ...response, body: { ...(response.body as Bundle), entry: merged } };
      },
    };
  }

  /**
   * One entry of a batch or transaction answer: a read the caller may not see answers 403, a search (or
   * history) is withheld from as it would be on its own, `confined` as its check found.
   */
  private async checkedEntry(
    caller: Caller,
    source: string,
    entry: BundleEntry | undefined,
    confined: boolean,
  ): Promise<BundleEntry> {
    const resource = entry?.resource;
    if (!entry || !resource || !entry.response?.status.startsWith('2')) return entry ?? {};
    if (resource.resourceType === 'Bundle')
      return { ...entry, resource: await this.withheld(caller, source, resource, confined) };
    const denial = await this.checkResource(caller, resource, 'r');
    if (!denial || !this.enforce) return entry;
    return deniedEntry(denial);
  }

  /** Refuses (throws the denial's FhirError), or in audit-only mode records `would-deny` and lets it through. */
  private refuse(denial: Denial, tokenPresented = true): void {
    const { reason, requiredScope } = denial;
    if (!this.enforce) {
      this.decide({ decision: 'would-deny', reason, requiredScope });
      return;
    }
    this.decide({ decision: 'deny', reason, requiredScope });
    throw denialError(denial, tokenPresented);
  }

  private decide(decision: AuthorizationDecision): void {
    this.requestContext.assign({ authorization: decision });
  }
}

/** A searchset answer with an OperationOutcome entry telling how the search was narrowed. */
function withNotice(response: FhirResponse, notice: string | undefined): FhirResponse {
  const bundle = response.body as Bundle | undefined;
  if (!notice || response.status >= 400 || bundle?.resourceType !== 'Bundle') return response;
  const outcome: BundleEntry = {
    resource: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'suppressed', diagnostics: notice }],
    },
    search: { mode: 'outcome' },
  };
  return { ...response, body: { ...bundle, entry: [...(bundle.entry ?? []), outcome] } };
}

const invalidBundle = (problem: string, expression: string) =>
  new FhirError(400, operationOutcome('invalid', problem, [expression]));

/**
 * A transaction's or batch's entries, each an object with a request (a method and a url): anything else cannot
 * be authorized, and is refused (400) naming its index, never its content.
 */
function entriesOf(bundle: Bundle): BundleEntry[] {
  const entries: unknown = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw invalidBundle('Bundle.entry must be an array', 'Bundle.entry');
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalidBundle(`Bundle entry ${index} is not an object`, `Bundle.entry[${index}]`);
    }
    const request = (entry as BundleEntry).request as Partial<BundleEntry['request']> | null | undefined;
    if (typeof request?.method !== 'string' || typeof request.url !== 'string' || !request.url) {
      throw invalidBundle(`Bundle entry ${index} has no request method and url`, `Bundle.entry[${index}].request`);
    }
    for (const condition of ['ifNoneExist', 'ifMatch'] as const) {
      if (request[condition] !== undefined && typeof request[condition] !== 'string') {
        throw invalidBundle(
          `Bundle entry ${index} has a ${condition} that is no string`,
          `Bundle.entry[${index}].request.${condition}`,
        );
      }
    }
  }
  return entries as BundleEntry[];
}

/** A bundle entry whose request is the checked operation's (its search narrowed, its conditions pinned). */
function checkedRequest(entry: BundleEntry, checked: FhirOperation): BundleEntry {
  const request = entry.request!;
  const path = request.url.split('?')[0];
  return {
    ...entry,
    request: {
      ...request,
      url: checked.query ? `${path}?${checked.query}` : path,
      ifNoneExist: checked.headers?.['if-none-exist'] ?? request.ifNoneExist,
      ifMatch: checked.headers?.['if-match'] ?? request.ifMatch,
    },
  };
}

function deniedEntry(denial: Denial): BundleEntry {
  const error = denialError(denial);
  return { response: { status: `${error.status}`, outcome: error.outcome } };
}
