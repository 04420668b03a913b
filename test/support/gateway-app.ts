import type { DynamicModule, INestApplication } from '@nestjs/common';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { createGatewayApp } from '../../apps/gateway/src/create-gateway-app';
import type { GatewayExtensions } from '../../apps/gateway/src/gateway.module';

/**
 * The composed gateway, configured from an environment-like record. Defaults:
 * test environment, silent logs, an in-memory store seeded with 3 patients.
 */
export async function createTestGateway(
  env: Record<string, string> = {},
  extraImports: DynamicModule['imports'] = [],
  extensions: GatewayExtensions = {},
): Promise<INestApplication> {
  const config = loadGatewayConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    FHIR_STORE_PATH: ':memory:',
    FHIR_SEED_PATIENTS: '3',
    CDS_FEEDBACK_PATH: ':memory:',
    // One Jest process runs every suite in band, so its memory is no gateway's.
    HEALTH_MAX_RSS_MB: '1048576',
    ...env,
  });
  const app = await createGatewayApp(config, extraImports, extensions);
  await app.init();
  return app;
}
