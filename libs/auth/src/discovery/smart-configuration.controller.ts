import { Controller, Get, Param, UseFilters } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FhirError, FhirExceptionFilter, FhirSources } from '@ehr-gateway/fhir';
import { SmartDiscovery } from './smart-discovery';

/**
 * `GET /fhir/.well-known/smart-configuration` and the same under each source:
 * SMART App Launch discovery. The app mounts it beside the FHIR surface
 * (`RouterModule`, the FHIR base path).
 */
@Controller()
@UseFilters(FhirExceptionFilter)
export class SmartConfigurationController {
  constructor(
    private readonly discovery: SmartDiscovery,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Get('.well-known/smart-configuration')
  gateway(): Promise<Record<string, unknown>> {
    return this.answer();
  }

  @Get(':source/.well-known/smart-configuration')
  source(@Param('source') source: string): Promise<Record<string, unknown>> {
    // Resolved at request time: FhirModule is configured with this module's authorizer, so it cannot be imported here.
    this.moduleRef.get(FhirSources, { strict: false }).get(source);
    return this.answer();
  }

  private answer(): Promise<Record<string, unknown>> {
    if (!this.discovery.enabled) throw FhirError.notFound('SMART on FHIR authorization is not configured');
    return this.discovery.configuration();
  }
}
