import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FhirGateway } from './fhir-gateway.service';
import { ConfigurableFhirModule } from './fhir.module-definition';
import { FhirHandlersExplorer } from './handlers/fhir-handlers.explorer';
import { FhirController } from './http/fhir.controller';
import { FhirMessagesController } from './messaging/fhir-messages.controller';
import { FhirSources } from './sources/fhir-sources';

/**
 * The FHIR gateway: named sources with their own auth, the `FhirGateway`
 * service, the REST surface at `/fhir/{source}/...`, and the custom
 * transform/aggregate handlers. Needs `EventsModule`.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [FhirController, FhirMessagesController],
  providers: [FhirSources, FhirGateway, FhirHandlersExplorer],
  exports: [FhirGateway, FhirSources],
})
export class FhirModule extends ConfigurableFhirModule {}
