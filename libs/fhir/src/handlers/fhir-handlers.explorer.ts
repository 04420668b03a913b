import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { findDecoratedMethods } from '@ehr-gateway/events';
import { FHIR_AGGREGATE_METADATA, FHIR_TRANSFORM_METADATA } from '../constants';

type Handler = (...args: unknown[]) => unknown;

/** Finds the `@FhirTransform` and `@FhirAggregate` methods of every provider at bootstrap. */
@Injectable()
export class FhirHandlersExplorer implements OnApplicationBootstrap {
  readonly transforms = new Map<string, Handler>();
  readonly aggregates = new Map<string, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    this.register(this.transforms, FHIR_TRANSFORM_METADATA, '@FhirTransform');
    this.register(this.aggregates, FHIR_AGGREGATE_METADATA, '@FhirAggregate');
  }

  private register(map: Map<string, Handler>, metadataKey: symbol, decorator: string): void {
    for (const { name, metadata: resourceType, invoke } of findDecoratedMethods<string>(
      this.discovery,
      this.scanner,
      metadataKey,
    )) {
      if (map.has(resourceType))
        throw new Error(`${decorator}('${resourceType}') is declared twice (again on ${name})`);
      map.set(resourceType, invoke);
    }
  }
}
