import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EXIT_CONFIG, configOrExit } from '@ehr-gateway/config';
import { Logger, LoggerModule } from 'nestjs-pino';
import { loadAuditConsumerConfig } from './audit-consumer.config';
import { AuditConsumerModule } from './audit-consumer.module';
import { auditLoggerOptions } from './audit-logging';

@Module({})
class AuditConsumerApp {}

/**
 * `npm run audit-consumer`: reads the gateway's event stream and writes BALP
 * AuditEvents through its FHIR API. Configuration: docs/configuration.md
 * (`EVENTS_BROKER_URL` is required).
 */
async function main(): Promise<void> {
  const { options, logging } = configOrExit('audit consumer', () => ({
    options: loadAuditConsumerConfig(),
    logging: auditLoggerOptions(),
  }));
  const broker = new URL(options.brokerUrl);
  // An application context initializes (and binds its consumer) while it is created.
  const app = await NestFactory.createApplicationContext(
    { module: AuditConsumerApp, imports: [LoggerModule.forRoot(logging), AuditConsumerModule.forRoot(options)] },
    { bufferLogs: true, abortOnError: false, logger: ['error', 'warn'] },
  ).catch((error: Error) => {
    if (error.message !== 'stream not found') throw error;
    process.stderr.write(
      `EVENTS_BROKER_STREAM: no stream ${options.stream} at ${broker.protocol}//${broker.host}. ` +
        'Start the gateway with the same EVENTS_BROKER_URL first (it creates the stream), or name its stream\n',
    );
    process.exit(EXIT_CONFIG);
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app
    .get(Logger)
    .log(
      `Consuming stream ${options.stream} (subjects ${options.subjectPrefix}.>) as durable '${options.durableName}' ` +
        `from ${broker.protocol}//${broker.host}; AuditEvents go to ${options.gatewayUrl}/fhir/${options.source}`,
      'AuditConsumer',
    );
}

void main();
