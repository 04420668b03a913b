import { ConfigurableModuleBuilder, Inject, Provider } from '@nestjs/common';
import { EHR_EVENT_CREATOR } from './constants';
import { DefaultEhrEventCreator } from './default-event-creator';
import type { EventCreatorOption, EventsModuleExtras, EventsModuleOptions } from './interfaces';

function eventCreatorProvider(option: EventCreatorOption | undefined): Provider {
  if (option === undefined) return { provide: EHR_EVENT_CREATOR, useClass: DefaultEhrEventCreator };
  if (typeof option === 'function') return { provide: EHR_EVENT_CREATOR, useClass: option };
  return { provide: EHR_EVENT_CREATOR, ...option } as Provider;
}

export const {
  ConfigurableModuleClass: ConfigurableEventsModule,
  MODULE_OPTIONS_TOKEN: EVENTS_MODULE_OPTIONS,
  OPTIONS_TYPE: EVENTS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: EVENTS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EventsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<EventsModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), eventCreatorProvider(extras.eventCreator)],
  }))
  .build();

/** Injects the `forRoot` options (`EventsModuleOptions`). */
export const InjectEventsOptions = (): ParameterDecorator => Inject(EVENTS_MODULE_OPTIONS);
