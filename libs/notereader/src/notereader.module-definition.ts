import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { NOTEREADER_DEFAULTS } from './constants';
import type { NoteReaderModuleOptions } from './interfaces';

export const {
  ConfigurableModuleClass: ConfigurableNoteReaderModule,
  MODULE_OPTIONS_TOKEN: NOTEREADER_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<NoteReaderModuleOptions>()
  .setClassMethodName('forRoot')
  // The path is static (routes are fixed when the module graph is built), so it is an extra.
  .setExtras<{ path: string; isGlobal?: boolean }>(
    { path: NOTEREADER_DEFAULTS.path, isGlobal: false },
    (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
      imports: [
        ...(definition.imports ?? []),
        RouterModule.register([{ path: extras.path ?? NOTEREADER_DEFAULTS.path, module: definition.module }]),
      ],
    }),
  )
  .build();

/** Injects the `forRoot` options (`NoteReaderModuleOptions`). */
export const InjectNoteReaderOptions = (): ParameterDecorator => Inject(NOTEREADER_MODULE_OPTIONS);
