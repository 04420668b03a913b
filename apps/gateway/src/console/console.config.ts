import { defineConfigNamespace, envBoolean, envInteger } from '@ehr-gateway/config';
import { z } from 'zod';

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
    CONSOLE_SMART_CLIENT_ID: z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/, 'must be a client id (printable ASCII, no spaces)')
      .optional()
      .describe(
        'With `GATEWAY_AUTH` including `smart`: the console’s client id at the authorization server (a public client, ' +
          'redirect URI `<GATEWAY_PUBLIC_URL>/`). The console then signs in with SMART (authorization code + PKCE).',
      ),
    CONSOLE_SMART_SCOPE: z
      .string()
      .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, 'must be space-separated scopes')
      .default('user/*.rs')
      .describe('The scopes the console asks for at SMART sign-in (it needs a `user/` or `system/` scope).'),
  },
  values: (keys) => ({
    enabled: keys.CONSOLE_ENABLED,
    replayEvents: keys.CONSOLE_REPLAY_EVENTS,
    smartClientId: keys.CONSOLE_SMART_CLIENT_ID,
    smartScope: keys.CONSOLE_SMART_SCOPE,
  }),
});
