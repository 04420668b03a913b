import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { EVENT_LISTENER_METADATA } from '@nestjs/event-emitter';
import type { OnEventMetadata } from '@nestjs/event-emitter';
import { findDecoratedMethods } from './decorated-methods';
import type { EHREvent } from './ehr-event';
import { EventPatternMatcher } from './event-pattern-matcher';
import { isGatewayPattern, patternCanMatch, suggestPattern } from './event-routing';

/** One `@OnEvent` method, whichever patterns it was declared with. */
export interface EventListener {
  /** `ClassName.method`, for logs. */
  readonly name: string;
  invoke(event: EHREvent): unknown;
}

/**
 * Indexes the `@OnEvent` methods of every provider and controller and answers
 * "which listeners take this event" with each listener at most once, however
 * many of the event's names its patterns match.
 *
 * Listeners are invoked directly rather than through Nest's wrapper, which
 * swallows errors: the dispatcher must see failures (strict mode) and contain
 * them (async mode) itself. Wildcard matching is `EventPatternMatcher`'s.
 */
@Injectable()
export class EventListenerRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventListenerRegistry.name);
  private readonly matcher = new EventPatternMatcher<EventListener>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    const methods = findDecoratedMethods<OnEventMetadata[]>(this.discovery, this.scanner, EVENT_LISTENER_METADATA, {
      controllers: true,
    });
    for (const { name, metadata, isStatic, invoke } of methods) {
      if (!isStatic) {
        this.logger.warn(`${name} is request-scoped; EHR events are delivered only to singleton listeners`);
        continue;
      }
      const patterns = metadata.flatMap(({ event }) => (Array.isArray(event) ? event : [event]));
      this.add({ name, invoke: (event) => invoke(event) }, patterns);
    }
  }

  /** Adds a listener under EventEmitter2 patterns (strings; symbols never match EHR events). */
  add(listener: EventListener, patterns: ReadonlyArray<string | symbol>): void {
    for (const pattern of patterns) if (typeof pattern === 'string') this.warnIfUnmatchable(listener, pattern);
    this.matcher.add(listener, patterns);
  }

  /** The listeners an event reaches, each once. */
  listenersFor(event: EHREvent): EventListener[] {
    return this.matcher.matching(event);
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
