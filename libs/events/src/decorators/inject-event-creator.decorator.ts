import { Inject } from '@nestjs/common';
import { EHR_EVENT_CREATOR } from '../constants';

/** Injects the event creator (`EHR_EVENT_CREATOR`): the one `EventsModule.forRoot({ eventCreator })` configured. */
export const InjectEventCreator = (): PropertyDecorator & ParameterDecorator => Inject(EHR_EVENT_CREATOR);
