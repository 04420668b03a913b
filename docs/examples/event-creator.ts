import { Injectable } from '@nestjs/common';
import { EHREvent, EhrEventCreator, EventsModule, OperationContext, createEvent } from '@ehr-gateway/events';

@Injectable()
export class HipaaEventCreator implements EhrEventCreator {
  create(context: OperationContext): EHREvent {
    const { user, sessionId, clientIp } = context.request;
    return createEvent(context, { compliance: 'HIPAA', auditRequired: true, user, sessionId, clientIp });
  }
}

EventsModule.forRoot({ eventCreator: HipaaEventCreator }); // a class
EventsModule.forRoot({ eventCreator: { useFactory: () => new HipaaEventCreator() } }); // a factory (with inject)
EventsModule.forRoot({ eventCreator: { useValue: new HipaaEventCreator() } }); // a value
