import { ConfigurableModuleBuilder, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { FhirStore } from './fhir-store';
import { FHIR_STORE_DEFAULTS } from './fhir-store.config';
import { syntheticPatientBundles } from './synthetic/synthetic-patients';

export interface FhirStoreModuleOptions {
  /** SQLite file, or `:memory:`. Default `./data/fhir-store.sqlite`. */
  path?: string;
  /** Synthetic patients to create when the store has none. Default 100; 0 seeds nothing. */
  seedPatients?: number;
  /** A search running longer is stopped with `too-costly`. Default 10,000 ms. */
  searchBudgetMs?: number;
  /** Worker threads that run searches. Default 2. */
  searchWorkers?: number;
  /** Largest number of entries in a transaction or batch Bundle. Default 1000. */
  maxBundleEntries?: number;
}

export const { ConfigurableModuleClass: ConfigurableFhirStoreModule, MODULE_OPTIONS_TOKEN: FHIR_STORE_MODULE_OPTIONS } =
  new ConfigurableModuleBuilder<FhirStoreModuleOptions>().setClassMethodName('forRoot').build();

/** Injects the `forRoot` options (`FhirStoreModuleOptions`). */
export const InjectFhirStoreOptions = (): ParameterDecorator => Inject(FHIR_STORE_MODULE_OPTIONS);

/** The embedded FHIR store, seeded with synthetic patients on first start. Inject `FhirStore`. */
@Module({
  providers: [
    {
      provide: FhirStore,
      useFactory: (options: FhirStoreModuleOptions) =>
        new FhirStore({
          path: options.path ?? FHIR_STORE_DEFAULTS.path,
          maxBundleEntries: options.maxBundleEntries,
          searchBudgetMs: options.searchBudgetMs,
          searchWorkers: options.searchWorkers,
        }),
      inject: [FHIR_STORE_MODULE_OPTIONS],
    },
  ],
  exports: [FhirStore],
})
export class FhirStoreModule extends ConfigurableFhirStoreModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FhirStore');

  constructor(
    private readonly store: FhirStore,
    @InjectFhirStoreOptions() private readonly options: FhirStoreModuleOptions,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    const patients = this.options.seedPatients ?? FHIR_STORE_DEFAULTS.seedPatients;
    if (patients <= 0 || !this.store.isEmpty('Patient')) return;
    for (const bundle of syntheticPatientBundles({ patients })) {
      const response = await this.store.request({ method: 'POST', path: '', body: bundle });
      if (response.status !== 200) throw new Error(`Seeding the FHIR store failed: ${JSON.stringify(response.body)}`);
    }
    this.logger.log(`Seeded ${patients} synthetic patients`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
