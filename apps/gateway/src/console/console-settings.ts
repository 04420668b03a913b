/** What the console's page needs to know before its first API call (public: no secret, no data). */
export interface ConsoleSettings {
  /** Whether the gateway accepts API keys (the console then asks for one, once per tab). */
  apiKeys: boolean;
  /** Present when the gateway accepts SMART tokens and the console has a client id: sign in with SMART. */
  smart?: { clientId: string; scope: string };
}

export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');
