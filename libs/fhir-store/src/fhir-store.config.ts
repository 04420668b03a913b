import { defineConfigNamespace, envInteger } from '@ehr-gateway/config';
import { z } from 'zod';

/** The defaults of `FhirStoreModuleOptions`, shared by the module and the `fhirStore` config namespace. */
export const FHIR_STORE_DEFAULTS = { path: './data/fhir-store.sqlite', seedPatients: 100 } as const;

/** `FhirStoreModule` options from the environment. */
export const fhirStoreConfig = defineConfigNamespace({
  namespace: 'fhirStore',
  title: 'Embedded FHIR store (libs/fhir-store)',
  keys: {
    FHIR_STORE_PATH: z
      .string()
      .min(1)
      .default(FHIR_STORE_DEFAULTS.path)
      .describe('SQLite file of the embedded store (the `local` source), or `:memory:`.'),
    FHIR_SEED_PATIENTS: envInteger(0, 100_000)
      .default(FHIR_STORE_DEFAULTS.seedPatients)
      .describe('Synthetic patients created when the store has none; 0 seeds nothing.'),
  },
  values: (keys) => ({ path: keys.FHIR_STORE_PATH, seedPatients: keys.FHIR_SEED_PATIENTS }),
});
