import type { Resource } from '@medplum/fhirtypes';
import type { Permission } from '../scopes';
import type { Caller } from './caller.interface';

/** One interaction a caller asks for, before it runs. */
export interface AccessRequest {
  caller: Caller;
  source: string;
  /** The SMART permission the interaction needs (`r` read, vread, history of one resource; `s` search, type history; ...). */
  permission: Permission;
  /** The interaction (`read`, `search`, `patch`, ...). */
  interaction: string;
  resourceType: string;
  id?: string;
}

export type AccessDecision =
  | {
      allowed: true;
      /** Search parameters to add to a search (each must also hold), so that it stays within the caller's reach. */
      narrowing?: Record<string, string>;
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
 * scopes and patient compartments; provide another under `FHIR_ACCESS_POLICY`
 * (`AuthModule.forRoot(options, { accessPolicy })`), usually one that asks the
 * SMART policy first and then adds its own rule.
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
