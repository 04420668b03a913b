import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  AccessDecision,
  AccessRequest,
  Caller,
  FhirAccessPolicy,
  PatientCompartment,
  Permission,
  SmartAccessPolicy,
} from '@ehr-gateway/auth';
import { RequestContextService } from '@ehr-gateway/events';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { Resource } from '@medplum/fhirtypes';

@Injectable()
export class CareTeamPolicy implements FhirAccessPolicy {
  private readonly compartment = new PatientCompartment();

  constructor(
    private readonly smart: SmartAccessPolicy,
    private readonly moduleRef: ModuleRef,
    private readonly requestContext: RequestContextService,
  ) {}

  checkRequest(request: AccessRequest): AccessDecision {
    return this.smart.checkRequest(request);
  }

  async checkResource(caller: Caller, resource: Resource, permission: Permission): Promise<AccessDecision> {
    const smart = this.smart.checkResource(caller, resource, permission);
    if (!smart.allowed || caller.patient || !caller.user?.startsWith('Practitioner/')) return smart;
    const patients = await this.teamPatients(caller.user);
    return [...patients].some((id) => this.compartment.contains(resource, id))
      ? smart
      : { allowed: false, reason: 'the patient is not on the practitioner’s care team' };
  }

  /** The practitioner's patients, by a FHIR search the gateway's own code makes (a fresh context: no caller, not checked). */
  private teamPatients(practitioner: string): Promise<Set<string>> {
    const fhir = this.moduleRef.get(FhirGateway, { strict: false });
    return this.requestContext.run({}, async () => {
      const teams = await fhir.search('CareTeam', { participant: practitioner, status: 'active', _count: 100 });
      return new Set(
        (teams.entry ?? []).flatMap((entry) => {
          const subject = (entry.resource as { subject?: { reference?: string } }).subject?.reference;
          return subject?.startsWith('Patient/') ? [subject.slice('Patient/'.length)] : [];
        }),
      );
    });
  }
}
