import { Inject, Injectable } from '@nestjs/common';
import { RequestContextService, type AuthorizationDecision, type PresentedCredentials } from '@ehr-gateway/events';
import {
  entryOperation,
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
import type { FhirAccessPolicy } from './interfaces/access-policy.interface';
import type { AuthModuleOptions } from './interfaces/auth-module-options.interface';
import type { Caller } from './interfaces/caller.interface';
import { permissionOf } from './permissions';
import { InvalidTokenError } from './token/smart-token-verifier';

const unchecked = (operation: FhirOperation): FhirAccessGrant => ({
  operation,
  checkResponse: async (response) => response,
});

const isResource = (value: unknown): value is Resource =>
  typeof value === 'object' && value !== null && typeof (value as Resource).resourceType === 'string';

const withQuery = (query: string | undefined, extra: Record<string, string>) =>
  [query, new URLSearchParams(extra).toString()].filter(Boolean).join('&');

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

  constructor(
    private readonly authenticator: InboundAuthenticator,
    @Inject(FHIR_ACCESS_POLICY) private readonly policy: FhirAccessPolicy,
    private readonly requestContext: RequestContextService,
    @Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly discovery: SmartDiscovery,
  ) {
    this.enforce = options.enforce ?? true;
  }

  async authorize(source: string, operation: FhirOperation, lookup: ResourceLookup): Promise<FhirAccessGrant> {
    // Capabilities are public: clients discover how to authorize there.
    if (operation.interaction === 'capabilities') return this.capabilities(operation);
    const presented = this.requestContext.presentedCredentials();
    // No credentials: an operation of the gateway's own code.
    if (!presented) return unchecked(operation);
    this.decide({ decision: 'allow' });
    const caller = await this.callerOf(presented);
    if (!caller) return unchecked(operation);

    if (operation.interaction === 'transaction' || operation.interaction === 'batch') {
      return this.authorizeBundle(caller, source, operation, lookup);
    }
    const checked = await this.checkOperation(caller, source, operation, lookup);
    if ('denial' in checked) this.refuse(checked.denial);
    const checkedOperation = 'operation' in checked ? checked.operation : operation;
    return {
      operation: checkedOperation,
      checkResponse: (response) => this.checkAnswer(caller, operation, response),
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
  ): Promise<{ operation: FhirOperation } | { denial: Denial }> {
    const permission = permissionOf(operation);
    if (!permission) return { operation };
    const decision = await this.policy.checkRequest({
      caller,
      source,
      permission,
      interaction: operation.interaction,
      resourceType: operation.resourceType ?? '*',
      id: operation.id,
    });
    if (!decision.allowed) return { denial: { status: 403, ...decision } };
    if (permission === 'c' || permission === 'u') {
      if (isResource(operation.body)) {
        const denial = await this.checkResource(caller, operation.body, permission);
        if (denial) return { denial };
      }
    }
    if ((permission === 'u' || permission === 'd') && operation.id !== undefined && operation.resourceType) {
      const existing = await lookup(operation.resourceType, operation.id);
      if (isResource(existing)) {
        const denial = await this.checkResource(caller, existing, permission);
        if (denial) return { denial };
      }
    }
    if (decision.narrowing && this.enforce) {
      return { operation: { ...operation, query: withQuery(operation.query, decision.narrowing) } };
    }
    return { operation };
  }

  private async checkResource(caller: Caller, resource: Resource, permission: 'r' | 'c' | 'u' | 'd') {
    const decision = await this.policy.checkResource(caller, resource, permission);
    if (decision.allowed) return undefined;
    const status = permission === 'r' ? (this.options.deniedReadStatus ?? 403) : 403;
    return { status, reason: decision.reason, requiredScope: decision.requiredScope } satisfies Denial;
  }

  /** Checks what the source answered: a read outside the caller's reach is refused, search results are withheld. */
  private async checkAnswer(caller: Caller, operation: FhirOperation, response: FhirResponse): Promise<FhirResponse> {
    if (response.status >= 400 || !isResource(response.body)) return response;
    if (operation.interaction === 'read' || operation.interaction === 'vread') {
      const denial = await this.checkResource(caller, response.body, 'r');
      if (!denial) return response;
      this.refuse(denial);
      return response;
    }
    if (response.body.resourceType === 'Bundle' && permissionOf(operation) !== undefined) {
      return { ...response, body: await this.withheld(caller, response.body) };
    }
    return response;
  }

  /** A Bundle without the resources the caller may not see (`total` dropped when any was withheld). */
  private async withheld(caller: Caller, bundle: Bundle): Promise<Bundle> {
    const kept: BundleEntry[] = [];
    let firstDenial: Denial | undefined;
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      const denial =
        resource && resource.resourceType !== 'OperationOutcome'
          ? await this.checkResource(caller, resource, 'r')
          : undefined;
      if (!denial) kept.push(entry);
      else firstDenial ??= denial;
    }
    if (!firstDenial) return bundle;
    if (!this.enforce) {
      this.decide({ decision: 'would-deny', reason: `results withheld: ${firstDenial.reason}` });
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
    const entries = bundle.entry ?? [];
    const denied = new Map<number, Denial>();
    const checkedEntries: BundleEntry[] = [];
    for (const [index, entry] of entries.entries()) {
      if (!entry.request?.method || !entry.request.url) {
        checkedEntries.push(entry);
        continue;
      }
      const classified = entryOperation(entry.request.method, entry.request.url);
      // An entry whose request is not a FHIR interaction cannot be authorized: refused, never passed on.
      if (!classified) {
        denied.set(index, { status: 403, reason: `entry ${index}: not a recognised FHIR interaction` });
        continue;
      }
      const entryOp = { ...classified, body: entry.resource };
      const checked = await this.checkOperation(caller, source, entryOp, lookup);
      if ('denial' in checked) {
        denied.set(index, { ...checked.denial, reason: `entry ${index}: ${checked.denial.reason}` });
        continue;
      }
      checkedEntries.push(
        checked.operation.query === entryOp.query
          ? entry
          : { ...entry, request: { ...entry.request, url: `${entryOp.resourceType}?${checked.operation.query}` } },
      );
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
          merged.push(denial ? deniedEntry(denial) : await this.checkedEntry(caller, answered.shift()));
        }
        return { ...response, body: { ...(response.body as Bundle), entry: merged } };
      },
    };
  }

  /** One entry of a batch or transaction answer: a read the caller may not see answers 403, a search is withheld from. */
  private async checkedEntry(caller: Caller, entry: BundleEntry | undefined): Promise<BundleEntry> {
    const resource = entry?.resource;
    if (!entry || !resource || !entry.response?.status.startsWith('2')) return entry ?? {};
    if (resource.resourceType === 'Bundle') return { ...entry, resource: await this.withheld(caller, resource) };
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

function deniedEntry(denial: Denial): BundleEntry {
  const error = denialError(denial);
  return { response: { status: `${error.status}`, outcome: error.outcome } };
}
