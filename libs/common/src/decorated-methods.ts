import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

export interface DecoratedMethod<T> {
  instance: object;
  /** `ClassName.method`, for messages. */
  name: string;
  metadata: T;
  /** Whether the provider is a singleton (request-scoped providers have no usable instance at bootstrap). */
  isStatic: boolean;
  /** Calls the method on its instance. */
  invoke: (...args: unknown[]) => unknown;
}

/**
 * Every method of every provider (and controller, if asked) that carries
 * `metadataKey` (set by `SetMetadata` or a decorator of the same kind): the
 * shared walk behind the explorers that turn decorators into handlers.
 */
export function findDecoratedMethods<T>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  metadataKey: string | symbol,
  options: { controllers?: boolean } = {},
): Array<DecoratedMethod<T>> {
  const wrappers = [...discovery.getProviders(), ...(options.controllers ? discovery.getControllers() : [])];
  const found: Array<DecoratedMethod<T>> = [];
  for (const wrapper of wrappers) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (!prototype) continue;
    for (const key of scanner.getAllMethodNames(prototype)) {
      const method = instance[key];
      if (typeof method !== 'function') continue;
      const metadata = Reflect.getMetadata(metadataKey, method) as T | undefined;
      if (metadata === undefined) continue;
      found.push({
        instance,
        name: `${instance.constructor.name}.${key}`,
        metadata,
        isStatic: wrapper.isDependencyTreeStatic(),
        invoke: (...args) => (method as (...a: unknown[]) => unknown).apply(instance, args),
      });
    }
  }
  return found;
}
