// Must stay the first import (see the module).
import './observability/start-tracing';
import { EXIT_CONFIG, StartupFailure, configOrExit } from '@ehr-gateway/config';
import { Logger } from 'nestjs-pino';
import { GatewayConfig, loadGatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './create-gateway-app';
import { checkRedis } from './startup/redis-check';
import { checkSqliteFile } from './startup/sqlite-file-check';
import { startupBanner } from './startup/startup-banner';
import { listenFailure } from './startup/startup-failure';

async function start(config: GatewayConfig): Promise<void> {
  checkSqliteFile('FHIR_STORE_PATH', config.fhirStore.path);
  checkSqliteFile('CDS_FEEDBACK_PATH', config.cds.feedbackPath);
  if (config.broker.url && config.broker.outboxPath) checkSqliteFile('EVENTS_OUTBOX_PATH', config.broker.outboxPath);
  const { enabled: jwt, replayRedisUrl } = config.cds.jwt;
  if (jwt && replayRedisUrl) await checkRedis('CDS_JWT_REPLAY_REDIS_URL', replayRedisUrl);
  const app = await createGatewayApp(config);
  const { port, host } = config.gateway;
  try {
    await app.listen(port, host);
  } catch (error) {
    await app.close();
    throw listenFailure(error, port, host) ?? error;
  }
  app.get(Logger).log(startupBanner(config));
}

async function main(): Promise<void> {
  const config = configOrExit('gateway', () => loadGatewayConfig());
  try {
    await start(config);
  } catch (error) {
    if (!(error instanceof StartupFailure)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

void main();
