import { DiscoveryService } from '@nestjs/core';
import type { EHREvent, EHREventType, EventFamily, EventTypesOfFamily } from '../ehr-event';

/** The event types a pattern names outright (`EHREventType.FHIR_READ` or `'fhir.read'`). */
type TypesNamed<P extends string> = {
  [T in EHREventType]: T extends P ? T : `${T}` extends P ? T : never;
}[EHREventType];

/**
 * The event types whose events a pattern can deliver, as far as the compiler
 * can tell: the type it names, else its family's (`'fhir.**'`, `'cds.order.*'`),
 * else every type (`'**'`, `'*.*.read'`).
 */
export type EventTypesMatching<P extends string> = P extends string
  ? [TypesNamed<P>] extends [never]
    ? P extends `${infer F}.${string}`
      ? F extends EventFamily
        ? EventTypesOfFamily[F]
        : EHREventType
      : EHREventType
    : TypesNamed<P>
  : never;

/** A method that takes the events of the given types. */
type EhrEventHandler<T extends EHREventType> = (event: EHREvent<T>) => unknown;

/** The patterns of each `@OnEhrEvent` method; read by `EventListenerRegistry`. */
export const EhrListenerMetadata = DiscoveryService.createDecorator<readonly string[]>();

/**
 * Marks a method as a listener of EHR events, and of nothing else: the
 * gateway's dispatcher invokes it, once per event however many of the event's
 * names its patterns match, and it is never subscribed on the `EventEmitter2`,
 * so a host application's own events (`emitter.emit('orders.created')`) never
 * reach it. Takes event types or `@OnEvent`-style patterns (`*` one segment,
 * `**` any number); the handler must accept the events the patterns can match,
 * so `event.payload` has their payload type. A pattern that can match no EHR
 * event fails start-up.
 *
 * ```ts
 * @OnEhrEvent(EHREventType.FHIR_READ)
 * onRead(event: EHREvent<EHREventType.FHIR_READ>) { event.payload.resourceId; }
 * @OnEhrEvent('**')
 * onAny(event: EHREvent) { event.eventType; }
 * ```
 */
export function OnEhrEvent<const P extends string>(
  patterns: P | readonly P[],
): <H extends EhrEventHandler<EventTypesMatching<P>>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<H>,
) => void {
  const added: readonly string[] = typeof patterns === 'string' ? [patterns] : patterns;
  return (target, key, descriptor) => {
    // Stacked decorators add up, as stacked `@OnEvent`s do.
    const previous = (Reflect.getMetadata(EhrListenerMetadata.KEY, descriptor.value!) as string[] | undefined) ?? [];
    EhrListenerMetadata([...previous, ...added])(target, key, descriptor);
  };
}
