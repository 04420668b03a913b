import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EVENT_CONSUMER_OPTIONS, EventConsumer, EventConsumerOptions } from './event-consumer';

/** The consumer side of the durable event stream, for other Nest services. */
@Module({})
export class EventConsumerModule {
  static forRoot(options: EventConsumerOptions): DynamicModule {
    return {
      module: EventConsumerModule,
      imports: [DiscoveryModule],
      providers: [{ provide: EVENT_CONSUMER_OPTIONS, useValue: options }, EventConsumer],
      exports: [EventConsumer],
    };
  }
}
