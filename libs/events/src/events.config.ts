import { defineConfigNamespace, envBoolean } from '@ehr-gateway/config';
import { z } from 'zod';
import type { EventsModuleOptions } from './interfaces';

/** `EventsModule` options from the environment. */
export const eventsConfig = defineConfigNamespace({
  namespace: 'events',
  title: 'Events (libs/events)',
  keys: {
    EVENTS_DELIVERY: z
      .enum(['async', 'strict'])
      .default('async')
      .describe(
        '`async`: listeners run after the response is decided and never delay or fail it. `strict`: the response waits for every listener; a failing listener fails the request with 500.',
      ),
    EVENTS_ENABLED: envBoolean().default(true).describe('`false` turns every event off.'),
  },
  values: (keys): Required<EventsModuleOptions> => ({
    deliveryMode: keys.EVENTS_DELIVERY,
    enabled: keys.EVENTS_ENABLED,
  }),
});
