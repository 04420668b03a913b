import { Injectable, Module } from '@nestjs/common';
import { EHREvent, EventConsumerModule, OnBrokerEvent } from '@ehr-gateway/events';

@Injectable()
export class AuditWriter {
  @OnBrokerEvent('fhir.**')
  async write(event: EHREvent) {
    console.log('audit', event.eventType, event.id); // write your audit record here
  }
}

@Module({
  imports: [EventConsumerModule.forRoot({ url: 'nats://127.0.0.1:4222', durableName: 'audit' })],
  providers: [AuditWriter],
})
export class AuditServiceModule {}
