import type { ConfigNamespaceInfo } from './config-namespace';
import { readConfigSource } from './config-source';
import { ConfigValidationError } from './config-validation.error';

/** The validated values of a list of namespaces, by namespace. */
export type ConfigOf<Ns extends readonly ConfigNamespaceInfo[]> = {
  [Namespace in Ns[number] as Namespace['namespace']]: ReturnType<Namespace['load']>;
};

/** Every key the namespaces declare. */
export function configKeys(namespaces: readonly ConfigNamespaceInfo[]): Set<string> {
  return new Set(namespaces.flatMap((namespace) => Object.keys(namespace.schema.shape)));
}

/**
 * Validates every namespace from the environment and the optional YAML file and
 * returns their values by namespace. Throws one `ConfigValidationError` listing
 * the problems of all namespaces, one line per bad key.
 */
export function loadConfig<const Ns extends readonly ConfigNamespaceInfo[]>(
  namespaces: Ns,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<Ns> {
  const source = readConfigSource(env, configKeys(namespaces));
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const namespace of namespaces) {
    try {
      values[namespace.namespace] = namespace.load(source);
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return values as ConfigOf<Ns>;
}
