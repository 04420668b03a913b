import type { EHREvent } from '../ehr-event';
import type { OperationContext } from './operation-context.interface';

/**
 * Builds the event for an operation. Provided under `EHR_EVENT_CREATOR`;
 * return `null` to emit nothing for that operation.
 */
export interface EhrEventCreator {
  create(context: OperationContext): EHREvent | null | Promise<EHREvent | null>;
}
