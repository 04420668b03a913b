import type { Resource } from '@medplum/fhirtypes';
import type {
  AccessDecision,
  AccessRequest,
  FhirAccessPolicy,
  SearchNarrowing as Narrowing,
} from './interfaces/access-policy.interface';
import type { Caller } from './interfaces/caller.interface';
import type { Permission } from './scopes';

/** Both narrowings: a parameter both name must satisfy both values (repeated search parameters are ANDed). */
function mergeNarrowing(into: Narrowing, from: Narrowing | undefined): Narrowing {
  for (const [name, value] of Object.entries(from ?? {})) {
    const values = [into[name] ?? [], value].flat();
    into[name] = values.length === 1 ? values[0] : values;
  }
  return into;
}

/**
 * The base policy (SMART, or the one that replaced it) and the added policies,
 * in that order: every one must allow, the first refusal is the answer, and a
 * search is narrowed by all of them. An added policy can only take away.
 */
export class ComposedAccessPolicy implements FhirAccessPolicy {
  private readonly policies: FhirAccessPolicy[];

  constructor(base: FhirAccessPolicy, added: FhirAccessPolicy[]) {
    this.policies = [base, ...added];
  }

  async checkRequest(request: AccessRequest): Promise<AccessDecision> {
    const narrowing: Narrowing = {};
    let partial = false;
    for (const policy of this.policies) {
      const decision = await policy.checkRequest(request);
      if (!decision.allowed) return decision;
      mergeNarrowing(narrowing, decision.narrowing);
      partial ||= decision.partial === true;
    }
    return {
      allowed: true,
      ...(Object.keys(narrowing).length > 0 && { narrowing }),
      ...(partial && { partial }),
    };
  }

  async checkResource(caller: Caller, resource: Resource, permission: Permission): Promise<AccessDecision> {
    for (const policy of this.policies) {
      const decision = await policy.checkResource(caller, resource, permission);
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }
}
