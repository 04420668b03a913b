import { ConfigFactory, ConfigFactoryKeyHost, registerAs } from '@nestjs/config';
import { z } from 'zod';
import { ConfigSource, readConfigSource } from './config-source';
import { ConfigValidationError } from './config-validation.error';

export interface ConfigNamespaceDefinition<N extends string, S extends z.ZodRawShape, T extends object> {
  /** The `registerAs` token: `ConfigService.get(namespace)`, `@Inject(x.KEY)`. */
  namespace: N;
  /** What the namespace configures and which library owns it (a heading of docs/configuration.md). */
  title: string;
  /** Every key, each schema holding its type, default (`.default()`) and description (`.describe()`). */
  keys: S;
  /** The values the owning module takes, built from the validated keys; throws `ConfigValidationError` for rules spanning keys. */
  values: (keys: z.output<z.ZodObject<S>>) => T;
}

/** What a composing app, the loader and the reference generator need of a namespace. */
export interface ConfigNamespaceInfo<N extends string = string, T extends object = object> {
  readonly namespace: N;
  readonly title: string;
  readonly schema: z.ZodObject;
  /** Validates this namespace's keys in `source`; throws `ConfigValidationError` naming each bad key. */
  load(source: ConfigSource): T;
  /** The same `registerAs` token bound to values a composing app has already validated. */
  withValues(values: T): ConfigFactory;
}

/**
 * A configuration namespace: a `registerAs` factory (reading `process.env` and
 * `GATEWAY_CONFIG_FILE`) that also carries its schema, for validation by a
 * composing app and for the generated reference.
 */
export type ConfigNamespace<N extends string = string, T extends object = object> = (() => T) &
  ConfigFactoryKeyHost<T> &
  ConfigNamespaceInfo<N, T>;

/** Metadata a key may carry besides its description: `secret` keeps its value out of every message. */
export interface ConfigKeyMeta {
  secret?: boolean;
  valueType?: string;
}

/** The key's metadata, merged from the schemas it wraps (`.default()`, `.optional()` and pipes wrap the one `envX()` built). */
export function keyMeta(schema: z.ZodType): ConfigKeyMeta {
  const def = schema._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
  const inner = def.innerType ?? def.in;
  return { ...(inner ? keyMeta(inner) : {}), ...(schema.meta() as ConfigKeyMeta | undefined) };
}

function describeIssues(schema: z.ZodObject, source: ConfigSource, error: z.ZodError): string[] {
  const byKey = new Map<string, string[]>();
  for (const issue of error.issues) {
    const key = String(issue.path[0]);
    byKey.set(key, [...(byKey.get(key) ?? []), issue.message]);
  }
  return [...byKey].map(([key, messages]) => {
    const field = schema.shape[key] as z.ZodType | undefined;
    const value = source[key];
    const shown =
      value === undefined ? '' : field && keyMeta(field).secret ? '=<redacted>' : `=${JSON.stringify(value)}`;
    return `${key}${shown}: ${messages.join('; ')}`;
  });
}

export function defineConfigNamespace<N extends string, S extends z.ZodRawShape, T extends object>(
  definition: ConfigNamespaceDefinition<N, S, T>,
): ConfigNamespace<N, T> {
  const schema = z.object(definition.keys);
  const load = (source: ConfigSource): T => {
    const parsed = schema.safeParse(source);
    if (!parsed.success) throw new ConfigValidationError(describeIssues(schema, source, parsed.error));
    return definition.values(parsed.data);
  };
  const factory = registerAs<T, () => T>(definition.namespace, () => load(readConfigSource(process.env)));
  return Object.assign(factory, {
    namespace: definition.namespace,
    title: definition.title,
    schema,
    load,
    withValues: (values: T) => registerAs<T, () => T>(definition.namespace, () => values),
  });
}
