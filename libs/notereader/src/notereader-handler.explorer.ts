import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { NOTEREADER_HANDLER_METADATA } from './constants';
import type { NoteReaderHandlerFn } from './interfaces';

/** Finds the one `@NoteReaderHandler()` method; two stop the boot, none leaves documents unchanged. */
@Injectable()
export class NoteReaderHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger('NoteReader');
  handler?: NoteReaderHandlerFn;
  handlerName?: string;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const key of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[key];
        if (typeof method !== 'function' || !Reflect.getMetadata(NOTEREADER_HANDLER_METADATA, method)) continue;
        const name = `${instance.constructor.name}.${key}`;
        if (this.handler)
          throw new Error(`@NoteReaderHandler() is declared twice (${this.handlerName} and ${name}); there can be one`);
        this.handler = (request) => (method as NoteReaderHandlerFn).call(instance, request);
        this.handlerName = name;
      }
    }
    if (!this.handler) this.logger.warn('No @NoteReaderHandler(): NoteReader documents are returned unchanged');
  }
}
