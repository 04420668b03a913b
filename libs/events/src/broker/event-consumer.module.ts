import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventConsumer } from './event-consumer';
import { ConfigurableEventConsumerModule } from './event-broker.module-definition';

/** The consumer side of the durable event stream, for other Nest services: `forRoot` or `forRootAsync`. */
@Module({ imports: [DiscoveryModule], providers: [EventConsumer], exports: [EventConsumer] })
export class EventConsumerModule extends ConfigurableEventConsumerModule {}
