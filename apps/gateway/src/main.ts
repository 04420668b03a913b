// Must stay the first import (see the module).
import './observability/start-tracing';
import { configOrExit } from '@ehr-gateway/config';
import { loadGatewayConfig } from './config/gateway-config';
import { createGatewayApp } from './create-gateway-app';

async function main(): Promise<void> {
  const config = configOrExit('gateway', () => loadGatewayConfig());
  const app = await createGatewayApp(config);
  await app.listen(config.gateway.port, config.gateway.host);
}

void main();
