import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { EVENT_LISTENER_METADATA, EventEmitter2 } from '@nestjs/event-emitter';
import { GatewayEventEmitter } from './gateway-event-emitter';
import type { OnEventMetadata } from '@nestjs/event-emitter';
import { findDecoratedMethods } from '@ehr-gateway/common';
import type { EHREvent } from './ehr-event';
import { eventNames, isGatewayPattern, patternCanMatch, suggestPattern } from './event-routing';

/** One listener as the dispatcher sees it: an `@OnEvent` method, or a function registered on the emitter. */
export interface EventListener {
  /** `ClassName.method` or the function's name, for logs. */
  readonly name: string;
  invoke(event: EHREvent): unknown;
}

/** Distinct name sets kept (every event type and resource type the gateway serves fit). */
const MAX_CACHED_NAMES = 1024;

type EmitterFunction = ((...args: unknown[]) => unknown) & { _origin?: EmitterFunction };

/**
 * The one table of listeners: the injected `EventEmitter2`. At bootstrap every
 * `@OnEvent` method of every provider and controller is registered on it (as
 * `@nestjs/event-emitter`'s loader would, so a host app's own events reach its
 * own `@OnEvent` methods); functions registered with `on`, `onAny`, `once` or
 * `many` are in the same table. For an EHR event this answers "which listeners
 * take it", each at most once however many of the event's names its patterns
 * match. `@OnEvent` methods are invoked directly, not through the wrapper that
 * swallows their errors: the dispatcher must see failures (strict mode) and
 * contain them (async mode) itself. Wildcard matching is EventEmitter2's own.
 */
@Injectable()
export class EventListenerRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventListenerRegistry.name);
  /** The `@OnEvent` method behind each function the registry put in the emitter's table. */
  private readonly methodOf = new WeakMap<EmitterFunction, EventListener>();
  /** The dispatcher's view of each function a host registered on the emitter. */
  private readonly hostFunctions = new WeakMap<EmitterFunction, EventListener>();
  /** `listenersFor` by event type, then resource type (`''` for none); valid while the emitter's table is at `cachedVersion`. */
  private readonly cache = new Map<string, Map<string, EventListener[]>>();
  private cachedEntries = 0;
  private cachedVersion = -1;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(EventEmitter2) private readonly emitter: GatewayEventEmitter,
  ) {}

  onApplicationBootstrap(): void {
    const methods = findDecoratedMethods<OnEventMetadata[]>(this.discovery, this.scanner, EVENT_LISTENER_METADATA, {
      controllers: true,
    });
    for (const { name, metadata, isStatic, invoke } of methods) {
      if (!isStatic) {
        this.logger.warn(`${name} is request-scoped; events are delivered only to singleton listeners`);
        continue;
      }
      const listener: EventListener = { name, invoke: (event) => invoke(event) };
      for (const { event, options } of metadata) {
        const hostListener = async (...args: unknown[]) => {
          try {
            return await invoke(...args);
          } catch (error) {
            if (options?.suppressErrors === false) throw error;
            this.logger.error(`Listener ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        };
        this.add(listener, event, hostListener, options);
      }
    }
  }

  /**
   * The listeners an EHR event reaches, each once: by its names (wildcards
   * resolved) and `onAny`. Cached per set of names until the emitter's table
   * changes; bounded, since a failed operation's resource type is whatever the
   * client sent.
   */
  listenersFor(event: EHREvent): EventListener[] {
    if (this.cachedVersion !== this.emitter.listenerTableVersion || this.cachedEntries >= MAX_CACHED_NAMES) {
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
      listeners = this.lookUp(eventNames(event));
      byResourceType.set(resourceKey, listeners);
      this.cachedEntries++;
    }
    return listeners;
  }

  private lookUp(names: readonly string[]): EventListener[] {
    const listeners = new Set<EventListener>();
    for (const name of names) {
      for (const fn of this.emitter.listeners(name) as EmitterFunction[]) listeners.add(this.resolve(fn, false));
    }
    for (const fn of this.emitter.listenersAny() as EmitterFunction[]) listeners.add(this.resolve(fn, true));
    return [...listeners];
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
    const suggestion = suggestPattern(pattern);
    this.logger.warn(
      `@OnEvent('${pattern}') on ${listener.name} can match no EHR event` +
        (suggestion ? `; did you mean '${suggestion}'?` : ''),
    );
  }
}
