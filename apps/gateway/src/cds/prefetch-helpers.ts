import type { Bundle, Resource } from '@medplum/fhirtypes';

/** The resources of a prefetched Bundle of a given type (an empty list for `null` or a missing key). */
export function resourcesOf<T extends Resource>(
  value: Resource | Bundle | null | undefined,
  resourceType: T['resourceType'],
): T[] {
  if (!value || value.resourceType !== 'Bundle') return [];
  return ((value as Bundle).entry ?? [])
    .map((entry) => entry.resource)
    .filter((r): r is T => r?.resourceType === resourceType);
}

export function patientName(patient: Resource | Bundle | null | undefined): string {
  if (patient?.resourceType !== 'Patient') return 'this patient';
  const name = patient.name?.[0];
  return [name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || 'this patient';
}

export const GATEWAY_SOURCE = { label: 'ehr-gateway sample services', url: 'https://github.com/ehr-gateway' };
