import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { CdsServiceDefinition } from '../interfaces/cds.interfaces';

/** The discoverable metadata of `@CdsService` (`DiscoveryService.getProviders({ metadataKey: CdsServiceMetadata.KEY })`). */
export const CdsServiceMetadata = DiscoveryService.createDecorator<CdsServiceDefinition>();

/**
 * Declares a CDS service: an injectable class implementing `CdsServiceHandler`
 * (`handle(request)`), served at `POST /cds-services/{id}` and listed in discovery.
 */
export const CdsService = (definition: CdsServiceDefinition): ClassDecorator =>
  applyDecorators(Injectable(), CdsServiceMetadata(definition));
