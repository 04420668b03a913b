import type { AllergyIntolerance, Bundle, Condition, Encounter, Patient, Resource } from '@medplum/fhirtypes';
import { GatewayTarget, gatewayFetch, refusedBy } from './gateway-client';

/** One patient as the simulated EHR knows them, read from the gateway's FHIR API. */
export interface EhrPatient {
  patient: Patient;
  allergies: AllergyIntolerance[];
  conditions: Condition[];
  encounters: Encounter[];
}

async function getJson<T>(gateway: GatewayTarget, path: string): Promise<T> {
  const response = await gatewayFetch(gateway, path, { headers: { accept: 'application/fhir+json' } });
  if (!response.ok) throw refusedBy(`GET ${gateway.url}${path}`, response);
  return (await response.json()) as T;
}

const resources = <T extends Resource>(bundle: Bundle) => (bundle.entry ?? []).map((entry) => entry.resource as T);

/** Reads `count` patients and what the scenarios need about them from `/fhir/local`, as the gateway sees them. */
export async function loadPatients(gateway: GatewayTarget, count: number): Promise<EhrPatient[]> {
  const base = '/fhir/local';
  const patients = resources<Patient>(
    await getJson<Bundle>(gateway, `${base}/Patient?_count=${count}&_sort=identifier`),
  );
  if (patients.length === 0) {
    throw new Error(`no patients at ${gateway.url}${base}: is the store seeded (FHIR_SEED_PATIENTS)?`);
  }
  return Promise.all(
    patients.map(async (patient) => {
      const [allergies, conditions, encounters] = await Promise.all([
        getJson<Bundle>(gateway, `${base}/AllergyIntolerance?patient=${patient.id}`),
        getJson<Bundle>(gateway, `${base}/Condition?patient=${patient.id}`),
        getJson<Bundle>(gateway, `${base}/Encounter?patient=${patient.id}&_sort=-date`),
      ]);
      return {
        patient,
        allergies: resources<AllergyIntolerance>(allergies),
        conditions: resources<Condition>(conditions),
        encounters: resources<Encounter>(encounters),
      };
    }),
  );
}

export function displayName(patient: Patient): string {
  const name = patient.name?.[0];
  return [name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || patient.id || 'unknown';
}

export function isAllergicToPenicillin(ehr: EhrPatient): boolean {
  return ehr.allergies.some((allergy) => allergy.code?.coding?.some((coding) => coding.code === '7980'));
}
