import { OnEvent, type OnEventOptions } from '@nestjs/event-emitter';
import type { EHREvent, EHREventType } from '../ehr-event';

/** A method that takes the events of the given types. */
type EhrEventHandler<T extends EHREventType> = (event: EHREvent<T>) => unknown;

/**
 * `@OnEvent` for EHR event types, typed: the handler must accept the events
 * of the types it names, so `event.payload` has their payload type.
 *
 * ```ts
 * @OnEhrEvent(EHREventType.FHIR_READ)
 * onRead(event: EHREvent<EHREventType.FHIR_READ>) { event.payload.resourceId; }
 * ```
 */
export function OnEhrEvent<T extends EHREventType>(
  types: T | readonly T[],
  options?: OnEventOptions,
): <H extends EhrEventHandler<T>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<H>,
) => void {
  const names: readonly T[] = Array.isArray(types) ? types : [types as T];
  // One @OnEvent per type: an array given to @OnEvent is one name in segments (EventEmitter2's convention).
  return (target, key, descriptor) => names.forEach((name) => OnEvent(name, options)(target, key, descriptor));
}
