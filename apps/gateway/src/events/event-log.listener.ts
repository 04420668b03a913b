import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EHREvent, isEventOfFamily } from '@ehr-gateway/events';

/** One debug line per event, so that a running gateway shows its events flowing. */
@Injectable()
export class EventLogListener {
  private readonly logger = new Logger('EHREvent');

  @OnEvent('**')
  log(event: EHREvent): void {
    const { payload } = event;
    const fhir = isEventOfFamily(event, 'fhir') ? event.payload : undefined;
    const resource = fhir?.resourceType ? ` ${fhir.resourceType}` : '';
    const id = fhir?.resourceId ? `/${fhir.resourceId}` : '';
    this.logger.debug(
      `${event.eventType} ${event.sourceSystem} ${payload.operation}${resource}${id} ${payload.outcome} ${payload.status}` +
        ` id=${event.id} correlationId=${event.correlationId ?? '-'}`,
    );
  }
}
