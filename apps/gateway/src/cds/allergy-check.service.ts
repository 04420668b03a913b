import { randomUUID } from 'node:crypto';
import { CdsCard, CdsRequest, CdsResponse, CdsService, CdsServiceHandler } from '@ehr-gateway/cds';
import type { AllergyIntolerance, Bundle, MedicationRequest } from '@medplum/fhirtypes';
import { sharedAllergyClass } from './drug-allergy-classes';
import { GATEWAY_SOURCE, resourcesOf } from './prefetch-helpers';

type OrderContext = { draftOrders: Bundle };

/** order-sign: each draft MedicationRequest checked against the patient's active allergies. */
@CdsService({
  id: 'allergy-check',
  hook: 'order-sign',
  title: 'Drug-allergy check',
  description: 'Flags draft medication orders that conflict with a recorded allergy and suggests removing them',
  prefetch: {
    patient: 'Patient/{{context.patientId}}',
    allergies: 'AllergyIntolerance?patient={{context.patientId}}&clinical-status=active',
  },
})
export class AllergyCheckService implements CdsServiceHandler<OrderContext> {
  handle(request: CdsRequest<OrderContext>): CdsResponse {
    const allergies = resourcesOf<AllergyIntolerance>(request.prefetch.allergies, 'AllergyIntolerance');
    const orders = resourcesOf<MedicationRequest>(request.context.draftOrders, 'MedicationRequest');
    const cards: CdsCard[] = [];
    for (const order of orders) {
      for (const allergy of allergies) {
        const shared = sharedAllergyClass(allergy.code, order.medicationCodeableConcept);
        if (!shared) continue;
        const drug =
          order.medicationCodeableConcept?.text ?? order.medicationCodeableConcept?.coding?.[0]?.display ?? 'this drug';
        const allergen = allergy.code?.text ?? allergy.code?.coding?.[0]?.display ?? 'a recorded allergen';
        cards.push({
          uuid: randomUUID(),
          summary: `Allergy conflict: ${drug}`.slice(0, 139),
          detail: `The patient is allergic to **${allergen}** (${allergy.criticality ?? 'unknown'} criticality); **${drug}** belongs to ${shared}.`,
          indicator: 'critical',
          source: GATEWAY_SOURCE,
          selectionBehavior: 'at-most-one',
          suggestions: [
            {
              label: `Remove the order for ${drug}`.slice(0, 139),
              uuid: randomUUID(),
              isRecommended: true,
              actions: [
                {
                  type: 'delete',
                  description: `Remove the draft order for ${drug}`,
                  resourceId: `MedicationRequest/${order.id ?? 'draft'}`,
                },
              ],
            },
          ],
          overrideReasons: [
            {
              code: 'tolerated',
              system: 'urn:ehr-gateway:override',
              display: 'Patient has tolerated this drug before',
            },
            { code: 'benefit', system: 'urn:ehr-gateway:override', display: 'Benefit outweighs the risk' },
          ],
        });
        break;
      }
    }
    return { cards };
  }
}

/** order-select: the same check as soon as orders are selected, before signing. */
@CdsService({
  id: 'allergy-check-select',
  hook: 'order-select',
  title: 'Drug-allergy check on selection',
  description: 'Flags selected draft medication orders that conflict with a recorded allergy',
  prefetch: {
    patient: 'Patient/{{context.patientId}}',
    allergies: 'AllergyIntolerance?patient={{context.patientId}}&clinical-status=active',
  },
})
export class AllergyCheckOnSelectService extends AllergyCheckService {}
