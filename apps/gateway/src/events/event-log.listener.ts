import { Injectable } from '@nestjs/common';
import { EHREvent, OnEhrEvent, isEventOfFamily } from '@ehr-gateway/events';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/**
 * One debug line per event, so that a running gateway shows its events
 * flowing. Below debug level it returns before building the line: on every
 * event, a discarded log still cost a child logger and redaction.
 */
@Injectable()
export class EventLogListener {
  constructor(@InjectPinoLogger('EHREvent') private readonly logger: PinoLogger) {}

  @OnEhrEvent('**')
  log(event: EHREvent): void {
    if (!this.logger.logger.isLevelEnabled('debug')) return;
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
