import type { EHREventType, EventDetails, EventFamily, OperationOutcomeKind } from '../ehr-event';
import type { RequestContext } from './request-context.interface';

/**
 * What a protocol module knows about an operation before the event is built.
 * Without a type argument, a union discriminated by `eventType`: `details`
 * must be exactly that type's fields, so a misspelled field does not compile.
 */
export type OperationDescriptor<T extends EHREventType = EHREventType> = T extends EHREventType
  ? {
      eventType: T;
      /** The precise interaction (`vread`, `patch`, `invoke`, `ProcessDocument`, ...). */
      operation: string;
      /** The system the operation ran against: a FHIR source, a CDS service id, ... */
      source: string;
      /** The type's own payload fields (`resourceType`, `serviceId`, `cardCount`, `resourcesAdded`, ...). */
      details: EventDetails<T>;
    }
  : never;

export interface OperationOutcomeInfo {
  outcome: OperationOutcomeKind;
  status: number;
  error?: string;
  /** How long the operation took, when its boundary measured it. */
  durationMs?: number;
}

/** Everything the event creator receives. */
export type OperationContext<T extends EHREventType = EHREventType> = T extends EHREventType
  ? OperationDescriptor<T> & {
      family: EventFamily;
      outcome: OperationOutcomeInfo;
      request: RequestContext;
    }
  : never;
