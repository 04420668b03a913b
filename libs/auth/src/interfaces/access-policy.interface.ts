import type { Resource } from '@medplum/fhirtypes';
import type { Permission } from '../scopes';
import type { Caller } from './caller.interface';

/** Search parameters by name; several values of one parameter must all hold. */
export type SearchNarrowing = Record<string, string | string[]>;

/** One interaction a caller asks for, before it runs. */
export interface AccessRequest {
  caller: Caller;
  source: string;
  /** The SMART permission the interaction needs (`r` read, vread, history of one resource; `s` search, type history; ...). */
  permission: Permission;
  /** The interaction (`read`, `search`, `patch`, ...). */
  interaction: string;
  /** The resource type; `*` for every type at once (`$everything`, system history). */
  resourceType: string;
  /** The resource's id; for a search, the patient whose compartment is searched (`Patient/{id}/...`). */
  id?: string;
}

export type AccessDecision =
  | {
      allowed: true;
      /**
       * Search parameters to add to a search (each must also hold), so that it stays within the caller's reach;
       * several values of one parameter must all hold.
       */
      narrowing?: SearchNarrowing;
      /**
       * The caller reaches only part of the type (a patient's compartment, a scope's `?category=`), whether or not
       * a narrowing can say which part: its searches then report no `total`, and may not chain or use `_has`.
       * A narrowing implies it.
       */
      partial?: boolean;
    }
  | {
      allowed: false;
      /** What is missing, in words that name no value (`no scope grants r on Observation`). */
      reason: string;
      /** The scope that would have allowed it. */
      requiredScope?: string;
    };

/**
 * Decides what a caller may do. The default (`SmartAccessPolicy`) applies SMART
 * scopes and patient compartments. Add a policy of your own with
 * `AuthModule.forRoot(options, { accessPolicies: [MyPolicy] })` (or
 * `createGatewayApp(config, imports, { accessPolicies })`): it is asked after
 * the SMART policy and can only take away. `accessPolicy` replaces the SMART
 * policy itself.
 */
export interface FhirAccessPolicy {
  /** Before the operation runs. */
  checkRequest(request: AccessRequest): AccessDecision | Promise<AccessDecision>;
  /**
   * Each resource the operation writes (with `c`, `u` or `d`), finds there before
   * changing it, or returns (with `r`: reads, search results, includes).
   */
  checkResource(caller: Caller, resource: Resource, permission: Permission): AccessDecision | Promise<AccessDecision>;
}
