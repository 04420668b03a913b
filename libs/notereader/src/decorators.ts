import { DiscoveryService } from '@nestjs/core';

/** The discoverable metadata of `@NoteReaderHandler()`. */
export const NoteReaderHandlerMetadata = DiscoveryService.createDecorator<Record<string, never>>();

/** Marks the method that processes NoteReader documents: `(request: NoteReaderRequest) => NoteReaderResult`. */
export const NoteReaderHandler = (): MethodDecorator => NoteReaderHandlerMetadata({});
