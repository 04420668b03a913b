import { DynamicModule, Module } from '@nestjs/common';
import { EVENT_BROKER_OPTIONS, EventBrokerOptions } from './event-broker.options';
import { EventBrokerPublisher } from './event-broker.publisher';

/** Publishes every EHR event to NATS JetStream, with a local outbox. Import beside `EventsModule`. */
@Module({})
export class EventBrokerModule {
  static forRoot(options: EventBrokerOptions): DynamicModule {
    return {
      module: EventBrokerModule,
      providers: [{ provide: EVENT_BROKER_OPTIONS, useValue: options }, EventBrokerPublisher],
      exports: [EventBrokerPublisher],
    };
  }
}
