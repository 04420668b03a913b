import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { FHIR_DEFAULTS } from './constants';
import type { FhirModuleOptions } from './interfaces/fhir-module-options.interface';

export interface FhirModuleExtras {
  isGlobal?: boolean;
  /** Where the REST surface is mounted (`RouterModule`; static: routes are fixed when the module graph is built). Default `fhir`. */
  basePath?: string;
}

/** The path the REST surface is mounted at (`basePath`), for links the gateway writes. */
export const FHIR_BASE_PATH = Symbol('ehr-gateway:fhir-base-path');

export const {
  ConfigurableModuleClass: ConfigurableFhirModule,
  MODULE_OPTIONS_TOKEN: FHIR_MODULE_OPTIONS,
  OPTIONS_TYPE: FHIR_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FHIR_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FhirModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<FhirModuleExtras>({ isGlobal: true, basePath: FHIR_DEFAULTS.basePath }, (definition, extras) => {
    const basePath = extras.basePath ?? FHIR_DEFAULTS.basePath;
    return {
      ...definition,
      global: extras.isGlobal,
      imports: [...(definition.imports ?? []), RouterModule.register([{ path: basePath, module: definition.module }])],
      providers: [...(definition.providers ?? []), { provide: FHIR_BASE_PATH, useValue: basePath }],
    };
  })
  .build();

/** Injects the `forRoot` options (`FhirModuleOptions`). */
export const InjectFhirOptions = (): ParameterDecorator => Inject(FHIR_MODULE_OPTIONS);
