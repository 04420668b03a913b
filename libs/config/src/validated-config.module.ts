import type { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { ConfigNamespaceInfo } from './config-namespace';
import type { ConfigOf } from './load-config';

/**
 * `ConfigModule` (global) with each namespace bound to the values `loadConfig`
 * already validated: inject them with `@Inject(xConfig.KEY)` or read them with
 * `ConfigService.get('<namespace>')`.
 */
export function validatedConfigModule<const Ns extends readonly ConfigNamespaceInfo[]>(
  namespaces: Ns,
  values: ConfigOf<Ns>,
): Promise<DynamicModule> {
  const byNamespace = values as Record<string, object>;
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    load: namespaces.map((namespace) => namespace.withValues(byNamespace[namespace.namespace])),
  });
}
