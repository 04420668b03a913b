export { NoteReaderHandler } from './decorators';
export { NoteReaderModule } from './notereader.module';
export { NoteWorkerPool } from './worker/note-worker-pool';
export { InjectNoteReaderOptions } from './notereader.module-definition';
export { SoapFault, faultEnvelope } from './soap/soap-fault';
export type { NoteReaderHandlerFn, NoteReaderModuleOptions, NoteReaderRequest, NoteReaderResult } from './interfaces';
export { notereaderConfig } from './notereader.config';
export { NOTEREADER_TAG, noteReaderOpenApi } from './http/notereader-openapi';
