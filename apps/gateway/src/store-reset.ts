import { rmSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FhirStoreModule } from '@ehr-gateway/fhir-store';
import { EXIT_CONFIG, configOrExit } from '@ehr-gateway/config';
import { loadGatewayConfig } from './config/gateway-config';
import { checkSqliteFile } from './startup/sqlite-file-check';
import { StartupFailure } from '@ehr-gateway/config';

/**
 * `npm run store:reset`: deletes the embedded store's SQLite file (FHIR_STORE_PATH) and
 * seeds it again with FHIR_SEED_PATIENTS synthetic patients. Stop the gateway first.
 */
async function main(): Promise<void> {
  const { fhirStore: store } = configOrExit('gateway', () => loadGatewayConfig());
  if (store.path === ':memory:') {
    throw new StartupFailure('FHIR_STORE_PATH', 'is :memory:, there is no file to reset', 'Nothing to do');
  }
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${store.path}${suffix}`, { force: true });
  checkSqliteFile('FHIR_STORE_PATH', store.path);
  const context = await NestFactory.createApplicationContext(
    FhirStoreModule.forRoot({ path: store.path, seedPatients: store.seedPatients }),
    { logger: ['error', 'warn'] },
  );
  await context.close();
  process.stdout.write(`Reset ${store.path}: ${store.seedPatients} synthetic patients\n`);
}

main().catch((error: unknown) => {
  if (!(error instanceof StartupFailure)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(EXIT_CONFIG);
});
