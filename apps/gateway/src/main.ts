import { Logger } from 'nestjs-pino';
import { ConfigValidationError, GatewayConfig, loadGatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './create-gateway-app';
import { checkSqliteFile } from './startup/sqlite-file-check';
import { startupBanner } from './startup/startup-banner';
import { EXIT_CONFIG, StartupFailure, listenFailure } from './startup/startup-failure';

async function start(config: GatewayConfig): Promise<void> {
  checkSqliteFile('FHIR_STORE_PATH', config.fhir.storePath);
  checkSqliteFile('CDS_FEEDBACK_PATH', config.cds.feedbackPath);
  if (config.broker) checkSqliteFile('EVENTS_OUTBOX_PATH', config.broker.outboxPath);
  const app = await createGatewayApp(config);
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw listenFailure(error, config.port, config.host) ?? error;
  }
  app.get(Logger).log(startupBanner(config));
}

async function main(): Promise<void> {
  try {
    await start(loadGatewayConfig());
  } catch (error) {
    if (!(error instanceof ConfigValidationError || error instanceof StartupFailure)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

void main();
