import { SetMetadata } from '@nestjs/common';
import { NOTEREADER_HANDLER_METADATA } from './constants';

/** Marks the method that processes NoteReader documents: `(request: NoteReaderRequest) => NoteReaderResult`. */
export const NoteReaderHandler = () => SetMetadata(NOTEREADER_HANDLER_METADATA, true);
