import { randomUUID } from 'node:crypto';
import { CdsRequest, CdsResponse, CdsService, CdsServiceHandler } from '@ehr-gateway/cds';
import type { MedicationRequest, Observation } from '@medplum/fhirtypes';
import { LOINC, latestByCode } from './clinical-rules';
import { GATEWAY_SOURCE, resourcesOf } from './prefetch-helpers';

const METFORMIN = '860975';
const WARFARIN = '855332';
const codeOf = (request: MedicationRequest) => request.medicationCodeableConcept?.coding?.[0]?.code;

/** encounter-discharge: medications to reconcile, with renal and anticoagulation follow-up warnings. */
@CdsService({
  id: 'discharge-checklist',
  hook: 'encounter-discharge',
  title: 'Discharge medication checklist',
  description: 'Lists active medications to reconcile at discharge and flags follow-up they need',
  prefetch: {
    medications: 'MedicationRequest?patient={{context.patientId}}&status=active',
    labs: 'Observation?patient={{context.patientId}}&category=laboratory&_sort=-date&_count=50',
  },
})
export class DischargeChecklistService implements CdsServiceHandler {
  handle(request: CdsRequest): CdsResponse {
    const medications = resourcesOf<MedicationRequest>(request.prefetch.medications, 'MedicationRequest');
    const creatinine = latestByCode(resourcesOf<Observation>(request.prefetch.labs, 'Observation')).get(
      LOINC.creatinine,
    )?.valueQuantity?.value;
    const warnings: string[] = [];
    if (medications.some((m) => codeOf(m) === METFORMIN) && creatinine !== undefined && creatinine > 1.5) {
      warnings.push(`Metformin with creatinine ${creatinine} mg/dL: review renal dosing before discharge.`);
    }
    if (medications.some((m) => codeOf(m) === WARFARIN))
      warnings.push('Warfarin: arrange an INR check within 5 days of discharge.');
    const list = medications.map((m) => `- ${m.medicationCodeableConcept?.text ?? codeOf(m) ?? 'unnamed medication'}`);
    return {
      cards: [
        {
          summary: `${medications.length} active medication(s) to reconcile${warnings.length > 0 ? `, ${warnings.length} follow-up warning(s)` : ''}`,
          uuid: randomUUID(),
          detail: [
            ...warnings.map((warning) => `- **${warning}**`),
            ...(warnings.length > 0 ? [''] : []),
            ...(list.length > 0 ? ['**Active medications:**', ...list] : ['No active medications on record.']),
          ].join('\n'),
          indicator: warnings.length > 0 ? 'warning' : 'info',
          source: GATEWAY_SOURCE,
        },
      ],
    };
  }
}
