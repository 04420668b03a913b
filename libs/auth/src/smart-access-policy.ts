import { Injectable } from '@nestjs/common';
import { matchesSearchRequest, parseSearchRequest } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { AccessDecision, AccessRequest, FhirAccessPolicy } from './interfaces/access-policy.interface';
import type { Caller } from './interfaces/caller.interface';
import { PatientCompartment } from './patient-compartment';
import type { ClinicalScope, Permission } from './scopes';

const ALLOW: AccessDecision = { allowed: true };
const PARTIAL = { allowed: true, partial: true } as const;

/** What a returned resource needs: any scope that lets the caller read or search its type. */
const SEES: Permission[] = ['r', 's'];

/**
 * The default access policy: SMART v2 scopes (v1 mapped to v2), with `patient/`
 * scopes confined to the token's patient compartment and v2 query restrictions
 * (`?category=laboratory`) applied to every resource. A `patient/` scope reaches
 * only resource types that belong to the patient compartment.
 */
@Injectable()
export class SmartAccessPolicy implements FhirAccessPolicy {
  private readonly compartment = new PatientCompartment();

  checkRequest(request: AccessRequest): AccessDecision {
    const { caller, permission, resourceType } = request;
    const granting = grantingScopes(caller, resourceType, [permission]).filter((scope) =>
      this.reaches(caller, scope, resourceType, request),
    );
    if (granting.length === 0) return this.refusal(caller, resourceType, permission, request);
    if (permission !== 's') return ALLOW;
    // One scope that reaches the whole type is enough; otherwise the caller reaches only part of it.
    if (granting.some((scope) => scope.context !== 'patient' && !scope.restriction)) return ALLOW;
    // Every type at once (`$everything`, system history): each resource of the answer is checked.
    if (resourceType === '*') return PARTIAL;
    // A search is narrowed only when every granting scope narrows it the same way; the check of each
    // returned resource enforces the rest.
    const narrowing: Record<string, string> = {};
    if (granting.every((scope) => scope.context === 'patient')) {
      Object.assign(narrowing, this.compartment.searchRestriction(resourceType, caller.patient!));
    }
    if (granting.length === 1 && granting[0].restriction) {
      for (const [name, value] of granting[0].restriction) narrowing[name] = value;
    }
    return Object.keys(narrowing).length > 0 ? { ...PARTIAL, narrowing } : PARTIAL;
  }

  checkResource(caller: Caller, resource: Resource, permission: Permission): AccessDecision {
    const permissions = permission === 'r' ? SEES : [permission];
    const granted = grantingScopes(caller, resource.resourceType, permissions).some(
      (scope) =>
        this.reaches(caller, scope, resource.resourceType) &&
        (scope.context !== 'patient' || this.compartment.contains(resource, caller.patient!)) &&
        (!scope.restriction || matchesRestriction(resource, scope.restriction)),
    );
    if (granted) return ALLOW;
    const outside = caller.patient !== undefined && !this.compartment.contains(resource, caller.patient);
    return {
      allowed: false,
      reason: outside
        ? `${resource.resourceType} outside the patient compartment of the token's patient`
        : `no scope grants ${permission} on this ${resource.resourceType}`,
      requiredScope: outside ? undefined : requiredScope(caller, resource.resourceType, permission),
    };
  }

  /**
   * A `patient/` scope needs the token's patient and a type of the patient compartment; a search of a
   * compartment (`Patient/{id}/...`), only of that patient's; across every type (`*`), only that patient's
   * compartment (`Patient/{id}/$everything`).
   */
  private reaches(caller: Caller, scope: ClinicalScope, resourceType: string, request?: AccessRequest): boolean {
    if (scope.context !== 'patient') return true;
    if (caller.patient === undefined) return false;
    if (resourceType === '*') return request?.interaction === 'search' && request.id === caller.patient;
    if (searchesOtherCompartment(caller, request)) return false;
    return this.compartment.includesType(resourceType);
  }

  private refusal(
    caller: Caller,
    resourceType: string,
    permission: Permission,
    request: AccessRequest,
  ): AccessDecision {
    const patientScoped = grantingScopes(caller, resourceType, [permission]).some((s) => s.context === 'patient');
    if (patientScoped && caller.patient === undefined) {
      return { allowed: false, reason: 'a patient/ scope needs a patient in the launch context' };
    }
    if (patientScoped && searchesOtherCompartment(caller, request)) {
      return { allowed: false, reason: "a patient/ scope reaches only the compartment of the token's patient" };
    }
    if (patientScoped) {
      return { allowed: false, reason: `${resourceType} is not in the patient compartment` };
    }
    return {
      allowed: false,
      reason: `no scope grants ${permission} on ${resourceType}`,
      requiredScope: requiredScope(caller, resourceType, permission),
    };
  }
}

/** A search of the compartment of a patient (`Patient/{id}/...`) other than the token's. */
function searchesOtherCompartment(caller: Caller, request?: AccessRequest): boolean {
  return request?.interaction === 'search' && request.id !== undefined && request.id !== caller.patient;
}

function grantingScopes(caller: Caller, resourceType: string, permissions: Permission[]): ClinicalScope[] {
  return caller.scopes.filter(
    (scope) =>
      (scope.resourceType === '*' || scope.resourceType === resourceType) &&
      permissions.some((permission) => scope.permissions.has(permission)),
  );
}

/** The scope of the caller's kind (the context of its own scopes) that would allow the interaction. */
function requiredScope(caller: Caller, resourceType: string, permission: Permission): string {
  const context = caller.scopes[0]?.context ?? (caller.patient !== undefined ? 'patient' : 'user');
  return `${context}/${resourceType}.${permission}`;
}

/** Whether a resource matches a scope's query restriction; a restriction that is no valid search matches nothing. */
function matchesRestriction(resource: Resource, restriction: URLSearchParams): boolean {
  try {
    return matchesSearchRequest(resource, parseSearchRequest(`${resource.resourceType}?${restriction.toString()}`));
  } catch {
    return false;
  }
}
