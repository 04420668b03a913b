import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NoteReaderController } from './http/notereader.controller';
import { NoteReaderEventsInterceptor } from './http/notereader-events.interceptor';
import { NoteReaderHandlerExplorer } from './notereader-handler.explorer';
import { ConfigurableNoteReaderModule } from './notereader.module-definition';
import { NoteReaderService } from './notereader.service';
import { NoteWorkerPool } from './worker/note-worker-pool';

/**
 * The Epic NoteReader SOAP endpoint: `ProcessDocument` with a CDA document,
 * handed to the `@NoteReaderHandler()` method, answered enriched, at `path`
 * (an extra of `forRoot`/`forRootAsync`, default `notereader`). Needs `EventsModule`.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [NoteReaderController],
  providers: [NoteReaderHandlerExplorer, NoteReaderService, NoteReaderEventsInterceptor, NoteWorkerPool],
  // The pool also serves other views of large notes (the gateway console's CDA-to-FHIR mapping).
  exports: [NoteWorkerPool],
})
export class NoteReaderModule extends ConfigurableNoteReaderModule {}
