import { Module } from '@nestjs/common';
import { ConfigurableEventBrokerModule } from './event-broker.module-definition';
import { EventBrokerPublisher } from './event-broker.publisher';

/**
 * Publishes every EHR event to NATS JetStream, with a local outbox. Import
 * beside `EventsModule`: `forRoot(options)` or `forRootAsync({ inject, useFactory })`.
 */
@Module({ providers: [EventBrokerPublisher], exports: [EventBrokerPublisher] })
export class EventBrokerModule extends ConfigurableEventBrokerModule {}
