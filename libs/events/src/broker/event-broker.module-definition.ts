import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import type { EventBrokerOptions } from './event-broker.options';
import type { EventConsumerOptions } from './event-consumer';

export const { ConfigurableModuleClass: ConfigurableEventBrokerModule, MODULE_OPTIONS_TOKEN: EVENT_BROKER_OPTIONS } =
  new ConfigurableModuleBuilder<EventBrokerOptions>().setClassMethodName('forRoot').build();

export const {
  ConfigurableModuleClass: ConfigurableEventConsumerModule,
  MODULE_OPTIONS_TOKEN: EVENT_CONSUMER_OPTIONS,
} = new ConfigurableModuleBuilder<EventConsumerOptions>().setClassMethodName('forRoot').build();

/** Injects the `EventBrokerModule` options. */
export const InjectEventBrokerOptions = (): ParameterDecorator => Inject(EVENT_BROKER_OPTIONS);

/** Injects the `EventConsumerModule` options. */
export const InjectEventConsumerOptions = (): ParameterDecorator => Inject(EVENT_CONSUMER_OPTIONS);
