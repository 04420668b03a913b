import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { EHREvent } from '@ehr-gateway/events';

/** One debug line per event, so that a running gateway shows its events flowing. */
@Injectable()
export class EventLogListener {
  private readonly logger = new Logger('EHREvent');

  @OnEvent('**')
  log(event: EHREvent): void {
    const { payload } = event;
    const resource = typeof payload.resourceType === 'string' ? ` ${payload.resourceType}` : '';
    const id = typeof payload.resourceId === 'string' ? `/${payload.resourceId}` : '';
    this.logger.debug(
      `${event.eventType} ${event.sourceSystem} ${payload.operation}${resource}${id} ${payload.outcome} ${payload.status}` +
        ` id=${event.id} correlationId=${event.correlationId ?? '-'}`,
    );
  }
}
