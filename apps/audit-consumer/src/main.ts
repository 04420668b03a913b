import { NestFactory } from '@nestjs/core';
import { AuditConsumerModule } from './audit-consumer.module';

/**
 * `npm run audit-consumer`: reads the gateway's event stream and writes BALP
 * AuditEvents through its FHIR API. Configuration: `EVENTS_BROKER_URL`
 * (required), `AUDIT_GATEWAY_URL` (default http://localhost:3000), `AUDIT_SOURCE`
 * (default local), `EVENTS_BROKER_STREAM`, `EVENTS_BROKER_SUBJECT_PREFIX`, `AUDIT_DURABLE_NAME`.
 */
async function main(): Promise<void> {
  const brokerUrl = process.env.EVENTS_BROKER_URL;
  if (!brokerUrl) {
    process.stderr.write('EVENTS_BROKER_URL is required (e.g. nats://127.0.0.1:4222)\n');
    process.exit(78);
  }
  const app = await NestFactory.createApplicationContext(
    AuditConsumerModule.forRoot({
      brokerUrl,
      gatewayUrl: process.env.AUDIT_GATEWAY_URL ?? 'http://localhost:3000',
      source: process.env.AUDIT_SOURCE ?? 'local',
      gatewayName: process.env.AUDIT_GATEWAY_NAME ?? 'ehr-gateway',
      stream: process.env.EVENTS_BROKER_STREAM,
      subjectPrefix: process.env.EVENTS_BROKER_SUBJECT_PREFIX,
      durableName: process.env.AUDIT_DURABLE_NAME,
    }),
  );
  app.enableShutdownHooks();
  await app.init();
}

void main();
