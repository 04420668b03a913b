import type { EHREventType, EventFamily, OperationOutcomeKind } from '../ehr-event';
import type { RequestContext } from './request-context.interface';

/** What a protocol module knows about an operation before the event is built. */
export interface OperationDescriptor {
  eventType: EHREventType;
  /** The precise interaction (`vread`, `patch`, `invoke`, `ProcessDocument`, ...). */
  operation: string;
  /** The system the operation ran against: a FHIR source, a CDS service id, ... */
  source: string;
  resourceType?: string;
  resourceId?: string;
  versionId?: string;
  /** The resource the operation read or wrote, when there is one. */
  resource?: unknown;
  /** Further family-specific payload fields (`resultCount`, `hook`, `cardCount`, ...). */
  details?: Record<string, unknown>;
}

export interface OperationOutcomeInfo {
  outcome: OperationOutcomeKind;
  status: number;
  error?: string;
}

/** Everything the event creator receives. */
export interface OperationContext extends OperationDescriptor {
  family: EventFamily;
  outcome: OperationOutcomeInfo;
  request: RequestContext;
}
