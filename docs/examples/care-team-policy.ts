import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  AccessDecision,
  AccessRequest,
  Caller,
  FhirAccessPolicy,
  PatientCompartment,
  PolicyLookups,
} from '@ehr-gateway/auth';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { CareTeam, Resource } from '@medplum/fhirtypes';

const TEAM_TTL_MS = 30_000;

/**
 * Practitioners' `user/` tokens reach only the patients of the care teams they are on.
 * Added to the SMART policy (`accessPolicies: [CareTeamPolicy]`), it can only take away.
 */
@Injectable()
export class CareTeamPolicy implements FhirAccessPolicy {
  private readonly compartment = new PatientCompartment();
  private readonly teams = new Map<string, { until: number; patients: Promise<string[]> }>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly lookups: PolicyLookups,
  ) {}

  async checkRequest({ caller, permission, resourceType }: AccessRequest): Promise<AccessDecision> {
    const practitioner = this.practitionerOf(caller);
    if (!practitioner || permission !== 's' || !this.compartment.includesType(resourceType)) return { allowed: true };
    const patients = await this.teamPatients(practitioner);
    if (patients.length === 0) return { allowed: false, reason: 'the practitioner is on no active care team' };
    return { allowed: true, narrowing: this.compartment.searchRestriction(resourceType, patients) };
  }

  async checkResource(caller: Caller, resource: Resource): Promise<AccessDecision> {
    const practitioner = this.practitionerOf(caller);
    if (!practitioner || !this.compartment.includesType(resource.resourceType)) return { allowed: true };
    const patients = await this.teamPatients(practitioner);
    return patients.some((id) => this.compartment.contains(resource, id))
      ? { allowed: true }
      : { allowed: false, reason: 'the patient is not on the practitioner’s care team' };
  }

  /** The rule applies to practitioners using `user/` scopes (a `patient/` launch is confined already). */
  private practitionerOf(caller: Caller): string | undefined {
    const isUser = caller.patient === undefined && caller.scopes.some((scope) => scope.context === 'user');
    return isUser && caller.user?.startsWith('Practitioner/') ? caller.user : undefined;
  }

  /**
   * The patients of the practitioner's active care teams, by a FHIR search that is the policy's own lookup
   * (not checked against the caller), kept for a short while. `FhirGateway` is resolved lazily: the FHIR
   * module itself depends on the access policy.
   */
  private teamPatients(practitioner: string): Promise<string[]> {
    const cached = this.teams.get(practitioner);
    if (cached && cached.until > Date.now()) return cached.patients;
    const fhir = this.moduleRef.get(FhirGateway, { strict: false });
    const patients = this.lookups.run(async () => {
      const query = { participant: practitioner, status: 'active' };
      const found = await fhir.search<CareTeam>('CareTeam', query, { followNext: true });
      const subjects = (found.entry ?? []).map((entry) => entry.resource?.subject?.reference ?? '');
      return subjects.filter((ref) => ref.startsWith('Patient/')).map((ref) => ref.slice('Patient/'.length));
    });
    this.teams.set(practitioner, { until: Date.now() + TEAM_TTL_MS, patients });
    patients.catch(() => this.teams.delete(practitioner));
    return patients;
  }
}
