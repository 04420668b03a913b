// Must stay the first import (see the module).
import './observability/start-tracing';
import { ConfigValidationError, loadGatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './create-gateway-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadGatewayConfig();
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const app = await createGatewayApp(config);
  await app.listen(config.port, config.host);
}

void main();
