/** The access policy in force (`FhirAccessPolicy`); the SMART policy unless replaced. */
export const FHIR_ACCESS_POLICY = Symbol('FHIR_ACCESS_POLICY');
