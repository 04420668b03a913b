import { Controller, Module, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NOTEREADER_DEFAULTS } from './constants';
import { NoteReaderController } from './http/notereader.controller';
import { NoteReaderEventsInterceptor } from './http/notereader-events.interceptor';
import { NoteReaderHandlerExplorer } from './notereader-handler.explorer';
import { ConfigurableNoteReaderModule } from './notereader.module-definition';
import { NoteReaderService } from './notereader.service';
import { NoteWorkerPool } from './worker/note-worker-pool';

function noteReaderControllerAt(path: string): Type<NoteReaderController> {
  @Controller(path)
  class MountedNoteReaderController extends NoteReaderController {}
  return MountedNoteReaderController;
}

/**
 * The Epic NoteReader SOAP endpoint: `ProcessDocument` with a CDA document,
 * handed to the `@NoteReaderHandler()` method, answered enriched. Needs `EventsModule`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [NoteReaderHandlerExplorer, NoteReaderService, NoteReaderEventsInterceptor, NoteWorkerPool],
})
export class NoteReaderModule extends ConfigurableNoteReaderModule {
  /** `path` (default `notereader`) is where the SOAP endpoint lives. */
  static override forRoot(options: Parameters<typeof ConfigurableNoteReaderModule.forRoot>[0]) {
    return {
      ...super.forRoot(options),
      controllers: [noteReaderControllerAt(options.path ?? NOTEREADER_DEFAULTS.path)],
    };
  }

  static override forRootAsync(options: Parameters<typeof ConfigurableNoteReaderModule.forRootAsync>[0]) {
    return {
      ...super.forRootAsync(options),
      controllers: [noteReaderControllerAt(options.path ?? NOTEREADER_DEFAULTS.path)],
    };
  }
}
