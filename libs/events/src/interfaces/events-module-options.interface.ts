import type { FactoryProvider, Type, ValueProvider } from '@nestjs/common';
import type { EhrEventCreator } from './event-creator.interface';

export type DeliveryMode = 'async' | 'strict';

/** Runtime options (available to `forRoot` and `forRootAsync`). */
export interface EventsModuleOptions {
  /**
   * `async` (default): listeners run after the response is decided and never delay or fail it.
   * `strict`: the operation waits for every listener; a failing listener fails the operation.
   */
  deliveryMode?: DeliveryMode;
  /** `false` turns every event off. Default `true`. */
  enabled?: boolean;
}

export type EventCreatorOption =
  | Type<EhrEventCreator>
  | Omit<FactoryProvider<EhrEventCreator>, 'provide'>
  | Omit<ValueProvider<EhrEventCreator>, 'provide'>;

/** Static options, decided when the module graph is built. */
export interface EventsModuleExtras {
  isGlobal?: boolean;
  /** Replaces the default event creator: a class, `{ useFactory, inject }` or `{ useValue }`. */
  eventCreator?: EventCreatorOption;
}
