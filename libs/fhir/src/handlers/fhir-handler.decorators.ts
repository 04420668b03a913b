import { DiscoveryService } from '@nestjs/core';

/**
 * Marks `(id, source) => resource` as the transform handler for a resource type,
 * served at `GET /fhir/transform/{Type}/{id}?source=`.
 */
export const FhirTransform = DiscoveryService.createDecorator<string>();

/**
 * Marks `(id, sources) => Bundle | resource[]` as the aggregate handler for a
 * resource type, served at `GET /fhir/aggregate/{Type}?id=&sources=a&sources=b`.
 */
export const FhirAggregate = DiscoveryService.createDecorator<string>();
