import { ConfigurableModuleBuilder, Provider } from '@nestjs/common';
import { FHIR_ACCESS_POLICY } from './constants';
import type {
  AccessPolicyOption,
  AuthModuleExtras,
  AuthModuleOptions,
} from './interfaces/auth-module-options.interface';
import { SmartAccessPolicy } from './smart-access-policy';

function accessPolicyProvider(option: AccessPolicyOption | undefined): Provider {
  if (option === undefined) return { provide: FHIR_ACCESS_POLICY, useExisting: SmartAccessPolicy };
  if (typeof option === 'function') return { provide: FHIR_ACCESS_POLICY, useClass: option };
  return { provide: FHIR_ACCESS_POLICY, ...option } as Provider;
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
    providers: [...(definition.providers ?? []), accessPolicyProvider(extras.accessPolicy)],
  }))
  .build();
