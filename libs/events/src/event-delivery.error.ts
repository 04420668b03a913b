import { InternalServerErrorException } from '@nestjs/common';
import type { EHREvent } from './ehr-event';

export interface ListenerFailure {
  listener: string;
  error: unknown;
}

/**
 * Listeners failed to take an event that had to be delivered (strict mode).
 * Maps to a 500 whose body carries no data from the operation.
 */
export class EventDeliveryError extends InternalServerErrorException {
  readonly code = 'EVENT_DELIVERY_FAILED';

  constructor(
    readonly event: EHREvent,
    readonly failures: ListenerFailure[],
  ) {
    super(
      `Event ${event.eventType} (${event.id}) was not delivered: ${failures.length} listener(s) failed ` +
        `(${failures.map((f) => f.listener).join(', ')}); the response was withheld`,
    );
  }
}
