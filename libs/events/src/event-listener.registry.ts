import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { EVENT_LISTENER_METADATA, EventEmitter2 } from '@nestjs/event-emitter';
import { GatewayEventEmitter } from './gateway-event-emitter';
import type { OnEventMetadata } from '@nestjs/event-emitter';
import { DecoratedMethod, findDecoratedMethods, problemOf } from '@ehr-gateway/common';
import { EhrListenerMetadata } from './decorators/on-ehr-event.decorator';
import type { EHREvent } from './ehr-event';
import { EventPatternMatcher } from './event-pattern-matcher';
import { MAX_CACHED_ROUTES, eventNames, isGatewayPattern, patternCanMatch, suggestPattern } from './event-routing';

/** One listener as the dispatcher sees it: an `@OnEhrEvent` or `@OnEvent` method, or a function on the emitter. */
export interface EventListener {
  /** `ClassName.method` or the function's name, for logs. */
  readonly name: string;
  invoke(event: EHREvent): unknown;
}

type EmitterFunction = ((...args: unknown[]) => unknown) & { _origin?: EmitterFunction };

/**
 * Every listener of EHR events, in two tables. The injected `EventEmitter2`:
 * at bootstrap every `@OnEvent` method of every provider and controller is
 * registered on it (as `@nestjs/event-emitter`'s loader would, so a host app's
 * own events reach its own `@OnEvent` methods), beside the functions
 * registered with `on`, `onAny`, `once` or `many`. And the `@OnEhrEvent`
 * methods, which are never on the emitter, so that no host event reaches
 * them. For an EHR event this answers "which listeners take it", each at most
 * once however many of the event's names its patterns match. Methods are
 * invoked directly, not through the wrapper that swallows `@OnEvent` errors:
 * the dispatcher must see failures (strict mode) and contain them (async mode)
 * itself. Wildcard matching is EventEmitter2's own.
 */
@Injectable()
export class EventListenerRegistry implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(EventListenerRegistry.name);
  /** The `@OnEvent` method behind each function the registry put in the emitter's table. */
  private readonly methodOf = new WeakMap<EmitterFunction, EventListener>();
  /** The dispatcher's view of each function a host registered on the emitter. */
  private readonly hostFunctions = new WeakMap<EmitterFunction, EventListener>();
  /** The `@OnEhrEvent` methods, by their patterns. */
  private readonly ehrOnly = new EventPatternMatcher<EventListener>();
  /** One listener per method, whichever decorators it carries. */
  private readonly listenerOfMethod = new WeakMap<object, Map<string, EventListener>>();
  /** `listenersFor` by event type, then resource type (`''` for none); valid while the emitter's table is at `cachedVersion`. */
  private readonly cache = new Map<string, Map<string, EventListener[]>>();
  private cachedEntries = 0;
  private cachedVersion = -1;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(EventEmitter2) private readonly emitter: GatewayEventEmitter,
  ) {}

  /**
   * Refuses a second `EventEmitter2` (`EventEmitterModule.forRoot()` beside
   * `EventsModule`): `@OnEvent` methods would be subscribed on it too, and a
   * host's `emit('fhir.read', ...)` on it would reach them outside the dispatcher.
   */
  onModuleInit(): void {
    const second = this.discovery
      .getProviders()
      .find((wrapper) => wrapper.token === EventEmitter2 && wrapper.instance !== this.emitter);
    if (!second) return;
    throw new Error(
      `A second EventEmitter2 is provided${second.host ? ` by ${second.host.name}` : ''}: remove ` +
        "EventEmitterModule.forRoot() from the application's imports. EventsModule provides EventEmitter2 and " +
        'subscribes @OnEvent listeners itself; with two emitters, listeners would receive events outside its dispatcher',
    );
  }

  onApplicationBootstrap(): void {
    const scope = { controllers: true };
    const methods = findDecoratedMethods<OnEventMetadata[]>(
      this.discovery,
      this.scanner,
      EVENT_LISTENER_METADATA,
      scope,
    );
    for (const method of methods) {
      const listener = this.listenerOf(method);
      if (!listener) continue;
      for (const { event, options } of method.metadata) {
        const hostListener = async (...args: unknown[]) => {
          try {
            return await method.invoke(...args);
          } catch (error) {
            if (options?.suppressErrors === false) throw error;
            this.logger.error(`Listener ${listener.name} failed: ${problemOf(error)}`);
          }
        };
        this.add(listener, event, hostListener, options);
      }
    }
    const ehrMethods = findDecoratedMethods<string[]>(this.discovery, this.scanner, EhrListenerMetadata.KEY, scope);
    for (const method of ehrMethods) {
      const listener = this.listenerOf(method);
      if (!listener) continue;
      for (const pattern of method.metadata) {
        if (!patternCanMatch(pattern)) throw new Error(unmatchable(`@OnEhrEvent('${pattern}')`, listener, pattern));
      }
      this.ehrOnly.add(listener, method.metadata);
    }
    // Events delivered before bootstrap (from another module's `onModuleInit`) were looked up without these.
    this.cachedVersion = -1;
  }

  /**
   * The listeners an EHR event reaches, each once: by its names (wildcards
   * resolved), `onAny`, and the `@OnEhrEvent` patterns. Cached per set of
   * names until the emitter's table changes; bounded, since a failed
   * operation's resource type is whatever the client sent.
   */
  listenersFor(event: EHREvent): EventListener[] {
    if (this.cachedVersion !== this.emitter.listenerTableVersion || this.cachedEntries >= MAX_CACHED_ROUTES) {
      this.cache.clear();
      this.cachedEntries = 0;
      this.cachedVersion = this.emitter.listenerTableVersion;
    }
    // The names depend on the event type and the resource type only: look those up without building the names.
    const resourceType = (event.payload as { resourceType?: unknown }).resourceType;
    const resourceKey = typeof resourceType === 'string' ? resourceType : '';
    let byResourceType = this.cache.get(event.eventType);
    if (!byResourceType) this.cache.set(event.eventType, (byResourceType = new Map<string, EventListener[]>()));
    let listeners = byResourceType.get(resourceKey);
    if (!listeners) {
      listeners = this.lookUp(event);
      byResourceType.set(resourceKey, listeners);
      this.cachedEntries++;
    }
    return listeners;
  }

  private lookUp(event: EHREvent): EventListener[] {
    const listeners = new Set<EventListener>();
    for (const name of eventNames(event)) {
      for (const fn of this.emitter.listeners(name) as EmitterFunction[]) listeners.add(this.resolve(fn, false));
    }
    for (const fn of this.emitter.listenersAny() as EmitterFunction[]) listeners.add(this.resolve(fn, true));
    for (const listener of this.ehrOnly.matching(event)) listeners.add(listener);
    return [...listeners];
  }

  /** The dispatcher's view of a decorated method, the same for all its decorators; none for a request-scoped one. */
  private listenerOf({ instance, name, isStatic, invoke }: DecoratedMethod<unknown>): EventListener | undefined {
    if (!isStatic) {
      this.logger.warn(`${name} is request-scoped; events are delivered only to singleton listeners`);
      return undefined;
    }
    let methods = this.listenerOfMethod.get(instance);
    if (!methods) this.listenerOfMethod.set(instance, (methods = new Map<string, EventListener>()));
    let listener = methods.get(name);
    if (!listener) methods.set(name, (listener = { name, invoke: (event) => invoke(event) }));
    return listener;
  }

  private add(
    listener: EventListener,
    pattern: OnEventMetadata['event'],
    hostListener: EmitterFunction,
    options: OnEventMetadata['options'],
  ): void {
    if (typeof pattern === 'string') this.warnIfUnmatchable(listener, pattern);
    this.methodOf.set(hostListener, listener);
    if (options?.prependListener) this.emitter.prependListener(pattern, hostListener, options);
    else this.emitter.on(pattern, hostListener, options);
  }

  /** The dispatcher's view of a function in the emitter's table (an `@OnEvent` wrapper, or a host's function). */
  private resolve(fn: EmitterFunction, any: boolean): EventListener {
    const origin = fn._origin ?? fn;
    const method = this.methodOf.get(origin);
    if (method) return method;
    let listener = this.hostFunctions.get(fn);
    if (!listener) {
      // `once`/`many` wrappers remove themselves when called: call the stored function, name it by its origin.
      const name = `${origin.name || 'anonymous'} (EventEmitter2.${any ? 'onAny' : 'on'})`;
      listener = any
        ? { name, invoke: (event) => fn.call(this.emitter, event.eventType, event) }
        : { name, invoke: (event) => fn.call(this.emitter, event) };
      this.hostFunctions.set(fn, listener);
    }
    return listener;
  }

  private warnIfUnmatchable(listener: EventListener, pattern: string): void {
    if (!isGatewayPattern(pattern) || patternCanMatch(pattern)) return;
    this.logger.warn(unmatchable(`@OnEvent('${pattern}')`, listener, pattern));
  }
}

function unmatchable(decorator: string, listener: EventListener, pattern: string): string {
  const suggestion = suggestPattern(pattern);
  return (
    `${decorator} on ${listener.name} can match no EHR event` + (suggestion ? `; did you mean '${suggestion}'?` : '')
  );
}
