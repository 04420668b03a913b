import { EHREvent, EHREventType, newEventId } from '@ehr-gateway/events';

/** A `fhir.read` of a Patient, as the benchmarks send it. */
export function sampleReadEvent(): EHREvent {
  return {
    id: newEventId(),
    eventType: EHREventType.FHIR_READ,
    sourceSystem: 'bench',
    timestamp: new Date().toISOString(),
    payload: {
      operation: 'read',
      outcome: 'success',
      status: 200,
      source: 'bench',
      resourceType: 'Patient',
      resourceId: '1',
    },
    metadata: {},
  };
}
