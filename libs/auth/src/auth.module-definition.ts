import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { ComposedAccessPolicy } from './composed-access-policy';
import { FHIR_ACCESS_POLICY } from './constants';
import type { FhirAccessPolicy } from './interfaces/access-policy.interface';
import type {
  AccessPolicyOption,
  AuthModuleExtras,
  AuthModuleOptions,
} from './interfaces/auth-module-options.interface';
import { SmartAccessPolicy } from './smart-access-policy';

/** The base policy when policies are added to it: the SMART policy, or the one that replaced it. */
const BASE_ACCESS_POLICY = Symbol('BASE_ACCESS_POLICY');

function policyProvider(provide: symbol, option: AccessPolicyOption): Provider {
  if (typeof option === 'function') return { provide, useClass: option };
  return { provide, ...option } as Provider;
}

/**
 * `FHIR_ACCESS_POLICY`: the SMART policy unless `accessPolicy` replaces it;
 * with `accessPolicies`, that base composed with each added policy (every one must allow).
 */
function accessPolicyProviders({ accessPolicy, accessPolicies = [] }: AuthModuleExtras): Provider[] {
  const base = accessPolicies.length > 0 ? BASE_ACCESS_POLICY : FHIR_ACCESS_POLICY;
  const baseProvider =
    accessPolicy === undefined ? { provide: base, useExisting: SmartAccessPolicy } : policyProvider(base, accessPolicy);
  if (accessPolicies.length === 0) return [baseProvider];
  const added = accessPolicies.map((option, index) => policyProvider(Symbol(`ADDED_ACCESS_POLICY_${index}`), option));
  return [
    baseProvider,
    ...added,
    {
      provide: FHIR_ACCESS_POLICY,
      useFactory: (basePolicy: FhirAccessPolicy, ...addedPolicies: FhirAccessPolicy[]) =>
        new ComposedAccessPolicy(basePolicy, addedPolicies),
      inject: [BASE_ACCESS_POLICY, ...added.map((provider) => (provider as { provide: symbol }).provide)],
    },
  ];
}

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<AuthModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: [...(definition.providers ?? []), ...accessPolicyProviders(extras)],
  }))
  .build();
