import { DynamicModule, Module } from '@nestjs/common';
import { EventConsumerModule } from '@ehr-gateway/events';
import { AUDIT_DURABLE_NAME } from './audit-consumer.config';
import { AUDIT_CONSUMER_CONFIG, AuditConsumerConfig, AuditWriter } from './audit-writer';

export interface AuditConsumerOptions extends AuditConsumerConfig {
  brokerUrl: string;
  stream?: string;
  subjectPrefix?: string;
  durableName?: string;
}

/** The audit service: a durable consumer of the gateway's events that keeps a FHIR audit trail. */
@Module({})
export class AuditConsumerModule {
  static forRoot(options: AuditConsumerOptions): DynamicModule {
    return {
      module: AuditConsumerModule,
      imports: [
        EventConsumerModule.forRoot({
          url: options.brokerUrl,
          durableName: options.durableName ?? AUDIT_DURABLE_NAME,
          stream: options.stream,
          subjectPrefix: options.subjectPrefix,
        }),
      ],
      providers: [{ provide: AUDIT_CONSUMER_CONFIG, useValue: options }, AuditWriter],
    };
  }
}
