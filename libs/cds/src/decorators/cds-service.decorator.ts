import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { CDS_SERVICE_METADATA } from '../constants';
import type { CdsServiceDefinition } from '../interfaces/cds.interfaces';

/**
 * Declares a CDS service: an injectable class implementing `CdsServiceHandler`
 * (`handle(request)`), served at `POST /cds-services/{id}` and listed in discovery.
 */
export const CdsService = (definition: CdsServiceDefinition): ClassDecorator =>
  applyDecorators(Injectable(), SetMetadata(CDS_SERVICE_METADATA, definition));
