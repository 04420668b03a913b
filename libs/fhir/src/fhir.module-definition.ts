import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import type { FhirModuleOptions } from './interfaces/fhir-module-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableFhirModule,
  MODULE_OPTIONS_TOKEN: FHIR_MODULE_OPTIONS,
  OPTIONS_TYPE: FHIR_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FHIR_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FhirModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** Injects the `forRoot` options (`FhirModuleOptions`). */
export const InjectFhirOptions = (): ParameterDecorator => Inject(FHIR_MODULE_OPTIONS);
