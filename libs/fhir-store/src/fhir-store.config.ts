import { defineConfigNamespace, envInteger } from '@ehr-gateway/config';
import { z } from 'zod';
import { DEFAULT_MAX_BUNDLE_ENTRIES } from './rules/bundle-rules';

/** The defaults of `FhirStoreModuleOptions`, shared by the module and the `fhirStore` config namespace. */
export const FHIR_STORE_DEFAULTS = {
  path: './data/fhir-store.sqlite',
  seedPatients: 100,
  maxBundleEntries: DEFAULT_MAX_BUNDLE_ENTRIES,
  searchBudgetMs: 10_000,
  searchWorkers: 2,
} as const;

/** `FhirStoreModule` options from the environment. */
export const fhirStoreConfig = defineConfigNamespace({
  namespace: 'fhirStore',
  title: 'Embedded FHIR store (libs/fhir-store)',
  keys: {
    FHIR_STORE_PATH: z
      .string()
      .min(1)
      .default(FHIR_STORE_DEFAULTS.path)
      .describe(
        'SQLite file of the embedded store (the `local` source), or `:memory:` (writes and searches then run on the event loop: for tests and demos).',
      ),
    FHIR_SEED_PATIENTS: envInteger(0, 100_000)
      .default(FHIR_STORE_DEFAULTS.seedPatients)
      .describe('Synthetic patients created when the store has none; 0 seeds nothing.'),
    FHIR_STORE_MAX_BUNDLE_ENTRIES: envInteger(1)
      .default(FHIR_STORE_DEFAULTS.maxBundleEntries)
      .describe('Largest number of entries in a transaction or batch Bundle.'),
    FHIR_STORE_SEARCH_BUDGET_MS: envInteger(100, 600_000)
      .default(FHIR_STORE_DEFAULTS.searchBudgetMs)
      .describe('A search of the embedded store running longer is stopped with an OperationOutcome `too-costly`.'),
    FHIR_STORE_SEARCH_WORKERS: envInteger(1, 16)
      .default(FHIR_STORE_DEFAULTS.searchWorkers)
      .describe('Worker threads that run searches of the embedded store (file stores).'),
  },
  values: (keys) => ({
    path: keys.FHIR_STORE_PATH,
    seedPatients: keys.FHIR_SEED_PATIENTS,
    maxBundleEntries: keys.FHIR_STORE_MAX_BUNDLE_ENTRIES,
    searchBudgetMs: keys.FHIR_STORE_SEARCH_BUDGET_MS,
    searchWorkers: keys.FHIR_STORE_SEARCH_WORKERS,
  }),
});
