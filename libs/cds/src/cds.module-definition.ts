import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { CDS_DEFAULTS } from './constants';
import type { CdsModuleOptions } from './interfaces/cds-module-options.interface';

export interface CdsModuleExtras {
  isGlobal?: boolean;
  /** Where discovery, invoke and feedback are mounted (`RouterModule`; static: routes are fixed when the module graph is built). Default `cds-services`. */
  basePath?: string;
}

export const {
  ConfigurableModuleClass: ConfigurableCdsModule,
  MODULE_OPTIONS_TOKEN: CDS_MODULE_OPTIONS,
  OPTIONS_TYPE: CDS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CDS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CdsModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<CdsModuleExtras>({ isGlobal: false, basePath: CDS_DEFAULTS.basePath }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    imports: [
      ...(definition.imports ?? []),
      RouterModule.register([{ path: extras.basePath ?? CDS_DEFAULTS.basePath, module: definition.module }]),
    ],
  }))
  .build();

/** Injects the `forRoot` options (`CdsModuleOptions`). */
export const InjectCdsOptions = (): ParameterDecorator => Inject(CDS_MODULE_OPTIONS);
