import { CdsRequest, CdsResponse, CdsService, CdsServiceHandler } from '@ehr-gateway/cds';
import type { Bundle, Observation } from '@medplum/fhirtypes';

@CdsService({
  id: 'a1c-reminder',
  hook: 'patient-view',
  title: 'HbA1c reminder',
  description: 'Reminds the clinician when no HbA1c was measured',
  prefetch: {
    patient: 'Patient/{{context.patientId}}',
    a1c: 'Observation?patient={{context.patientId}}&code=http://loinc.org|4548-4&_sort=-date&_count=1',
  },
})
export class A1cReminderService implements CdsServiceHandler {
  handle(request: CdsRequest): CdsResponse {
    const a1c = (request.prefetch.a1c as Bundle<Observation> | null)?.entry?.[0]?.resource;
    if (a1c) return { cards: [] }; // no advice
    return {
      cards: [{ summary: 'No HbA1c on record', indicator: 'warning', source: { label: 'Diabetes care' } }],
    };
  }
}
