import { Module } from '@nestjs/common';
import { ConfigurableAuthModule } from './auth.module-definition';
import { FHIR_ACCESS_POLICY } from './constants';
import { FhirAuthorizer } from './fhir-authorizer';
import { InboundAuthenticator } from './inbound-authenticator';
import { PolicyLookups } from './policy-lookups';
import { SmartAccessPolicy } from './smart-access-policy';
import { SmartConfigurationController } from './discovery/smart-configuration.controller';
import { SmartDiscovery } from './discovery/smart-discovery';

/**
 * Inbound authorization: the gateway as an OAuth 2.0 resource server (SMART
 * access tokens, API keys), the access policy behind `FHIR_ACCESS_POLICY`
 * (SMART scopes and patient compartments unless replaced), the `FhirAuthorizer`
 * to hand to `FhirModule` as its `accessControl`, and SMART discovery.
 * Needs `EventsModule`.
 */
@Module({
  controllers: [SmartConfigurationController],
  providers: [InboundAuthenticator, SmartAccessPolicy, FhirAuthorizer, SmartDiscovery, PolicyLookups],
  exports: [FhirAuthorizer, InboundAuthenticator, SmartAccessPolicy, SmartDiscovery, PolicyLookups, FHIR_ACCESS_POLICY],
})
export class AuthModule extends ConfigurableAuthModule {}
