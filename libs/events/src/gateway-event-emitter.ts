import { EventEmitter2 } from '@nestjs/event-emitter';
import { EVENT_NAMESPACES } from './event-routing';

type EventName = string | symbol | string[];

/** EventEmitter2's methods that change its listener table (the `_`-prefixed ones are what the public ones call). */
const TABLE_CHANGES = ['_on', '_onAny', 'off', 'removeListener', 'offAny', 'removeAllListeners'] as const;

/** The name an `emit` call addresses, in the `.`-delimited form. */
function nameOf(event: EventName): string | symbol {
  return Array.isArray(event) ? event.join('.') : event;
}

/**
 * The `EventEmitter2` that `EventsModule` provides (inject it as `EventEmitter2`).
 * Listeners registered on it with `on`, `once`, `many`, `onAny` and wildcards
 * receive EHR events through the gateway's dispatcher, like `@OnEvent`
 * methods; a host app emits its own events on it as usual. The EHR
 * namespaces are the gateway's: emitting a name in them throws, so a host's
 * event never reaches the EHR listeners as if the gateway had emitted it.
 */
export class GatewayEventEmitter extends EventEmitter2 {
  private tableVersion = 0;

  constructor() {
    super({ wildcard: true, delimiter: '.', maxListeners: 0 });
    // Every change to the listener table goes through these (`on`, `once`, `many`, `prepend*`, `addListener` call
    // `_on`; `onAny`, `prependAny` call `_onAny`; `once` wrappers remove themselves with `off`).
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of TABLE_CHANGES) {
      const original = self[method];
      self[method] = (...args: unknown[]) => {
        this.tableVersion++;
        return original.apply(this, args);
      };
    }
  }

  /** Changes whenever a listener is added or removed, so that lookups can be cached until then. */
  get listenerTableVersion(): number {
    return this.tableVersion;
  }

  override emit(event: EventName, ...values: unknown[]): boolean {
    const refused = refusal(event);
    if (refused) throw refused;
    return super.emit(event, ...values);
  }

  override emitAsync(event: EventName, ...values: unknown[]): Promise<unknown[]> {
    const refused = refusal(event);
    return refused ? Promise.reject(refused) : super.emitAsync(event, ...values);
  }
}

/** Why a host may not emit this name, if it may not. */
function refusal(event: EventName): Error | undefined {
  const name = nameOf(event);
  if (typeof name !== 'string' || !(EVENT_NAMESPACES as readonly string[]).includes(name.split('.', 1)[0])) return;
  return new Error(
    `'${name}' is in the EHR event namespaces (${EVENT_NAMESPACES.join(', ')}), which only the gateway emits in; ` +
      'give the host application its own namespace',
  );
}
