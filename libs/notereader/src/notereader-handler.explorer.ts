import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { findDecoratedMethods } from '@ehr-gateway/common';
import { NoteReaderHandlerMetadata } from './decorators';
import type { NoteReaderHandlerFn, NoteReaderRequest } from './interfaces';

/** Finds the one `@NoteReaderHandler()` method; two stop the boot, none leaves documents unchanged. */
@Injectable()
export class NoteReaderHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger('NoteReader');
  handler?: NoteReaderHandlerFn;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const handlers = findDecoratedMethods(this.discovery, this.scanner, NoteReaderHandlerMetadata.KEY);
    if (handlers.length > 1) {
      throw new Error(
        `@NoteReaderHandler() is declared twice (${handlers.map((h) => h.name).join(' and ')}); there can be one`,
      );
    }
    const [found] = handlers;
    if (!found) {
      this.logger.warn('No @NoteReaderHandler(): NoteReader documents are returned unchanged');
      return;
    }
    this.handler = (request: NoteReaderRequest) => found.invoke(request) as ReturnType<NoteReaderHandlerFn>;
  }
}
