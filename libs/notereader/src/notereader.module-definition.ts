import { ConfigurableModuleBuilder, Inject } from '@nestjs/common';
import { NOTEREADER_DEFAULTS } from './constants';
import type { NoteReaderModuleOptions } from './interfaces';

export const {
  ConfigurableModuleClass: ConfigurableNoteReaderModule,
  MODULE_OPTIONS_TOKEN: NOTEREADER_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<NoteReaderModuleOptions>()
  .setClassMethodName('forRoot')
  // The path is static (routes are fixed when the module graph is built), so it is an extra.
  .setExtras<{ path: string }>({ path: NOTEREADER_DEFAULTS.path }, (definition) => definition)
  .build();

/** Injects the `forRoot` options (`NoteReaderModuleOptions`). */
export const InjectNoteReaderOptions = (): ParameterDecorator => Inject(NOTEREADER_MODULE_OPTIONS);
