import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { findDecoratedMethods } from '@ehr-gateway/common';
import { FhirAggregate, FhirTransform } from './fhir-handler.decorators';

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
    this.register(this.transforms, FhirTransform.KEY, '@FhirTransform');
    this.register(this.aggregates, FhirAggregate.KEY, '@FhirAggregate');
  }

  private register(map: Map<string, Handler>, metadataKey: string, decorator: string): void {
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
