import { CdsEventType, EHREventType } from '@ehr-gateway/events';

/** The event types of a CDS call: its hook's own, or `ehr.generic` for other hooks and for feedback. */
export type CdsCallEventType = CdsEventType | EHREventType.EHR_GENERIC;

const EVENT_OF_HOOK: ReadonlyMap<string, CdsEventType> = new Map([
  ['patient-view', EHREventType.CDS_PATIENT_VIEW],
  ['order-select', EHREventType.CDS_ORDER_SELECT],
  ['order-sign', EHREventType.CDS_ORDER_SIGN],
  ['encounter-discharge', EHREventType.CDS_ENCOUNTER_DISCHARGE],
]);

/** The event type of an invocation of a service answering `hook`. */
export function invocationEventType(hook: string): CdsCallEventType {
  return EVENT_OF_HOOK.get(hook) ?? EHREventType.EHR_GENERIC;
}
