import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigValidationError } from './config-validation.error';

/** The key that names the optional YAML file. */
export const CONFIG_FILE_KEY = 'GATEWAY_CONFIG_FILE';

/** Configuration values as strings, by key: the environment over the optional YAML file. */
export type ConfigSource = Readonly<Record<string, string>>;

/** A YAML value as the string the environment would hold: sequences comma-joined, mappings as JSON. */
function asEnvironmentString(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function readConfigFile(path: string, knownKeys?: ReadonlySet<string>): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigValidationError([
      `${CONFIG_FILE_KEY}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`,
    ]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    throw new ConfigValidationError([`${CONFIG_FILE_KEY}: ${path} is not valid YAML`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigValidationError([`${CONFIG_FILE_KEY}: ${path} must hold a mapping of configuration keys`]);
  }
  const unknown = knownKeys ? Object.keys(parsed).filter((key) => !knownKeys.has(key) && key !== CONFIG_FILE_KEY) : [];
  if (unknown.length > 0) throw new ConfigValidationError(unknown.map((key) => `${key}: unknown key in ${path}`));
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, asEnvironmentString(value)]));
}

/**
 * The environment over the YAML file named by `GATEWAY_CONFIG_FILE`. Empty
 * environment values count as absent. With `knownKeys`, a key of the file
 * that no namespace declares is refused (a typo must not be ignored).
 */
export function readConfigSource(env: NodeJS.ProcessEnv, knownKeys?: ReadonlySet<string>): ConfigSource {
  const file = env[CONFIG_FILE_KEY] ? readConfigFile(env[CONFIG_FILE_KEY], knownKeys) : {};
  const fromEnv = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '' && entry[0] !== CONFIG_FILE_KEY,
  );
  return { ...file, ...Object.fromEntries(fromEnv) };
}
