import { NestFactory } from '@nestjs/core';
import { configOrExit } from '@ehr-gateway/config';
import { loadAuditConsumerConfig } from './audit-consumer.config';
import { AuditConsumerModule } from './audit-consumer.module';

/**
 * `npm run audit-consumer`: reads the gateway's event stream and writes BALP
 * AuditEvents through its FHIR API. Configuration: docs/configuration.md
 * (`EVENTS_BROKER_URL` is required).
 */
async function main(): Promise<void> {
  const options = configOrExit('audit consumer', () => loadAuditConsumerConfig());
  const app = await NestFactory.createApplicationContext(AuditConsumerModule.forRoot(options));
  app.enableShutdownHooks();
  await app.init();
}

void main();
