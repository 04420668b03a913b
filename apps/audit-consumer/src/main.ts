import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EXIT_CONFIG, configOrExit } from '@ehr-gateway/config';
import { Logger, LoggerModule } from 'nestjs-pino';
import { BootstrapQuietLogger, withoutCredentials } from '@ehr-gateway/common';
import { loadAuditConsumerConfig } from './audit-consumer.config';
import { AuditConsumerModule, type AuditConsumerOptions } from './audit-consumer.module';
import { auditLoggerOptions } from './audit-logging';
import { consumerStartupFailure } from './consumer-startup';

@Module({})
class AuditConsumerApp {}

/** How the writes authenticate, for the start-up line: the client id, never a secret. */
function authentication({ trail: { auth }, apiKey }: AuditConsumerOptions): string {
  if (auth.type !== 'none') return ` as SMART client '${auth.clientId}' (${auth.type})`;
  return apiKey ? ' with an API key' : '';
}

/**
 * `npm run audit-consumer`: reads the gateway's event stream and writes BALP
 * AuditEvents through its FHIR API. Configuration: docs/configuration.md
 * (`EVENTS_BROKER_URL` is required).
 */
async function main(): Promise<void> {
  const { logging, ...options } = configOrExit('audit consumer', () => loadAuditConsumerConfig());
  // An application context initializes (and binds its consumer) while it is created.
  const app = await NestFactory.createApplicationContext(
    {
      module: AuditConsumerApp,
      imports: [LoggerModule.forRoot(auditLoggerOptions(logging)), AuditConsumerModule.forRoot(options)],
    },
    { bufferLogs: true, abortOnError: false, logger: ['error', 'warn'] },
  ).catch((error: unknown) => {
    const failure = consumerStartupFailure(error, options);
    if (!failure) throw error;
    process.stderr.write(`${failure.message}\n`);
    process.exit(EXIT_CONFIG);
  });
  // Like the gateway: Nest's module-loading lines at trace, so that start-up ends on the line below.
  app.useLogger(new BootstrapQuietLogger(app.get(Logger)));
  app.enableShutdownHooks();
  app
    .get(Logger)
    .log(
      `Consuming stream ${options.stream} (subjects ${options.subjectPrefix}.>) as durable '${options.durableName}' ` +
        `from ${withoutCredentials(options.brokerUrl)}; AuditEvents go to ${withoutCredentials(options.trail.baseUrl)}${authentication(options)}`,
      'AuditConsumer',
    );
}

void main();
