import { SetMetadata } from '@nestjs/common';
import { FHIR_AGGREGATE_METADATA, FHIR_TRANSFORM_METADATA } from '../constants';

/**
 * Marks `(id, source) => resource` as the transform handler for a resource type,
 * served at `GET /fhir/transform/{Type}/{id}?source=`.
 */
export const FhirTransform = (resourceType: string) => SetMetadata(FHIR_TRANSFORM_METADATA, resourceType);

/**
 * Marks `(id, sources) => Bundle | resource[]` as the aggregate handler for a
 * resource type, served at `GET /fhir/aggregate/{Type}?id=&sources=a&sources=b`.
 */
export const FhirAggregate = (resourceType: string) => SetMetadata(FHIR_AGGREGATE_METADATA, resourceType);
