import { defineConfigNamespace, envBoolean, envInteger } from '@ehr-gateway/config';

/** The web console at `/` and its live event stream. */
export const consoleConfig = defineConfigNamespace({
  namespace: 'console',
  title: 'Console (apps/gateway/src/console)',
  keys: {
    CONSOLE_ENABLED: envBoolean()
      .default(true)
      .describe('`false` turns the console off: no page at `/`, no `/events/stream`. Metrics and readiness stay.'),
    CONSOLE_REPLAY_EVENTS: envInteger(0, 100_000)
      .default(1000)
      .describe('Events kept in memory (without resource bodies) for event-stream clients that reconnect.'),
  },
  values: (keys) => ({ enabled: keys.CONSOLE_ENABLED, replayEvents: keys.CONSOLE_REPLAY_EVENTS }),
});
