export { AuthModule } from './auth.module';
export { AUTH_MODULE_OPTIONS } from './auth.module-definition';
export { FHIR_ACCESS_POLICY } from './constants';
export { FhirAuthorizer } from './fhir-authorizer';
export { InboundAuthenticator, InsufficientScopeError, MissingCredentialError } from './inbound-authenticator';
export { SmartAccessPolicy } from './smart-access-policy';
export { PatientCompartment } from './patient-compartment';
export { PolicyLookups } from './policy-lookups';
export { SmartDiscovery } from './discovery/smart-discovery';
export { ApiKeys } from './api-keys';
export { InvalidTokenError, SmartTokenVerifier } from './token/smart-token-verifier';
export { parseScope, parseScopes, type ClinicalScope, type Permission, type ScopeContext } from './scopes';
export type {
  AccessDecision,
  AccessRequest,
  FhirAccessPolicy,
  SearchNarrowing,
} from './interfaces/access-policy.interface';
export type { Caller } from './interfaces/caller.interface';
export type {
  AccessPolicyOption,
  AuthModuleExtras,
  AuthModuleOptions,
  InboundCredential,
  SmartOptions,
} from './interfaces/auth-module-options.interface';
export { authConfig } from './auth.config';
