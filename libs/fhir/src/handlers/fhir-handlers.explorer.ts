import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
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
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const key of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[key];
        if (typeof method !== 'function') continue;
        this.register(this.transforms, FHIR_TRANSFORM_METADATA, method as Handler, instance, key);
        this.register(this.aggregates, FHIR_AGGREGATE_METADATA, method as Handler, instance, key);
      }
    }
  }

  private register(map: Map<string, Handler>, metadataKey: symbol, method: Handler, instance: object, key: string) {
    const resourceType = Reflect.getMetadata(metadataKey, method) as string | undefined;
    if (!resourceType) return;
    const kind = metadataKey === FHIR_TRANSFORM_METADATA ? '@FhirTransform' : '@FhirAggregate';
    if (map.has(resourceType)) {
      throw new Error(`${kind}('${resourceType}') is declared twice (again on ${instance.constructor.name}.${key})`);
    }
    map.set(resourceType, (...args) => method.apply(instance, args));
  }
}
