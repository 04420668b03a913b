import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CdsServiceMetadata } from './decorators/cds-service.decorator';
import type { CdsServiceDefinition, CdsServiceHandler } from './interfaces/cds.interfaces';

export interface RegisteredCdsService {
  definition: CdsServiceDefinition;
  handler: CdsServiceHandler;
}

const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Finds every `@CdsService` provider at startup; a duplicate or malformed id stops the boot. */
@Injectable()
export class CdsServicesExplorer implements OnModuleInit {
  private readonly services = new Map<string, RegisteredCdsService>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: CdsServiceMetadata.KEY })) {
      const definition = this.discovery.getMetadataByDecorator(CdsServiceMetadata, wrapper);
      if (!definition) continue;
      const name = wrapper.name as string;
      if (!SERVICE_ID.test(definition.id))
        throw new Error(`@CdsService on ${name}: id '${definition.id}' is not a valid service id`);
      const existing = this.services.get(definition.id);
      if (existing) {
        throw new Error(
          `@CdsService id '${definition.id}' is declared twice (${existing.handler.constructor.name} and ${name}); service ids must be unique`,
        );
      }
      const handler = wrapper.instance as CdsServiceHandler | undefined;
      if (typeof handler?.handle !== 'function') throw new Error(`@CdsService ${name} must implement handle(request)`);
      this.services.set(definition.id, { definition, handler });
    }
  }

  get(id: string): RegisteredCdsService | undefined {
    return this.services.get(id);
  }

  all(): RegisteredCdsService[] {
    return [...this.services.values()];
  }
}
