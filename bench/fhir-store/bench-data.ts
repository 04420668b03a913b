import type { Bundle, Patient } from '@medplum/fhirtypes';
import { syntheticPatientBundles } from '@ehr-gateway/fhir-store';

export const US_CORE_PATIENT = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';
/** Patients generated per call of the generator, so that 100,000 never sit in memory at once. */
const CHUNK = 1000;

/**
 * The synthetic patients of `@ehr-gateway/fhir-store` (one transaction each), plus
 * what the benchmark needs for the parameter types the generator does not cover:
 * a profile on every Patient (uri) and a RiskAssessment with a probability (number).
 * Deterministic; generated a chunk at a time.
 */
export function* benchBundles(patients: number): Generator<Bundle> {
  for (let first = 0; first < patients; first += CHUNK) {
    const bundles = syntheticPatientBundles({ patients: Math.min(CHUNK, patients - first), seed: 1 + first / CHUNK });
    for (const [i, bundle] of bundles.entries()) {
      const index = first + i;
      const [patientEntry] = bundle.entry!;
      const patient = patientEntry.resource as Patient;
      // Identifiers must stay unique across chunks (the generator numbers from 0 in each call).
      patient.identifier = [{ system: 'urn:ehr-gateway:bench:mrn', value: `B${index}` }];
      patient.meta = { profile: [US_CORE_PATIENT] };
      bundle.entry!.push({
        fullUrl: `urn:uuid:${index.toString(16).padStart(8, '0')}-0000-4000-8000-ffffffffffff`,
        resource: {
          resourceType: 'RiskAssessment',
          status: 'final',
          subject: { reference: patientEntry.fullUrl },
          prediction: [{ probabilityDecimal: ((index * 7919) % 1000) / 1000 }],
        },
        request: { method: 'POST', url: 'RiskAssessment' },
      });
      yield bundle;
    }
  }
}
