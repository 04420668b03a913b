import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EHREvent } from './ehr-event';
import { MAX_CACHED_ROUTES, eventNames } from './event-routing';

/**
 * Which targets' patterns (`.`-delimited, `*` one segment, `**` any number, as
 * `@OnEvent`) match an event under any of its names, each target once: for
 * pattern subscribers that are not on the host's emitter (`@OnEhrEvent`
 * methods, the console's event stream viewers). Wildcard matching is
 * EventEmitter2's own, configured as the gateway's emitter, so a pattern means
 * here what it means to `@OnEvent`.
 */
export class EventPatternMatcher<T> {
  private readonly emitter = new EventEmitter2({ wildcard: true, delimiter: '.', maxListeners: 0 });
  private readonly targetOf = new Map<unknown, T>();
  /** Resolved targets per event type and resource type; cleared when targets change or `MAX_CACHED_ROUTES` is reached. */
  private readonly byRoute = new Map<string, T[]>();

  /** Adds a target under its patterns (symbols never match EHR events); returns its removal. */
  add(target: T, patterns: ReadonlyArray<string | symbol>): () => void {
    const handle = () => undefined;
    this.targetOf.set(handle, target);
    const strings = patterns.filter((pattern): pattern is string => typeof pattern === 'string');
    for (const pattern of strings) this.emitter.on(pattern, handle);
    this.byRoute.clear();
    return () => {
      for (const pattern of strings) this.emitter.off(pattern, handle);
      this.targetOf.delete(handle);
      this.byRoute.clear();
    };
  }

  /** The targets an event reaches, each once. */
  matching(event: EHREvent): T[] {
    const resourceType = (event.payload as { resourceType?: unknown }).resourceType;
    const key = typeof resourceType === 'string' ? `${event.eventType}|${resourceType}` : event.eventType;
    let targets = this.byRoute.get(key);
    if (!targets) {
      const handles = new Set(eventNames(event).flatMap((name) => this.emitter.listeners(name)));
      targets = [...handles].map((handle) => this.targetOf.get(handle)).filter((target): target is T => !!target);
      if (this.byRoute.size >= MAX_CACHED_ROUTES) this.byRoute.clear();
      this.byRoute.set(key, targets);
    }
    return targets;
  }
}
