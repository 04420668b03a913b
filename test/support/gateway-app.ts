import type { DynamicModule, INestApplication } from '@nestjs/common';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { createGatewayApp } from '../../apps/gateway/src/create-gateway-app';

/** The composed gateway, configured from an environment-like record (defaults: test environment, silent logs). */
export async function createTestGateway(
  env: Record<string, string> = {},
  extraImports: DynamicModule['imports'] = [],
): Promise<INestApplication> {
  const config = loadGatewayConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const app = await createGatewayApp(config, extraImports);
  await app.init();
  return app;
}
