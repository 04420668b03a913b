import { z } from 'zod';

/**
 * Schemas for values that arrive as environment strings. The YAML file's
 * values are turned into the same strings first (see `readConfigSource`), so
 * one schema serves both.
 */

/** `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). */
export const envBoolean = () => z.stringbool().meta({ valueType: 'boolean' });

/** An integer within bounds. */
export const envInteger = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** A comma-separated list (a YAML sequence in the file). */
export const envList = () =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .meta({ valueType: 'comma-separated list' });

/** A JSON object (a YAML mapping in the file); the values are checked by the namespace that owns the key. */
export const envJsonObject = () =>
  z
    .string()
    .transform((value, context): Record<string, unknown> => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      context.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    })
    .meta({ valueType: 'JSON object' });

/** A route path without leading slash, such as `cds-services`. */
export const envRoutePath = () =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9/_-]*$/, 'must be a path without leading slash');

/** Hosts of this machine, as a WHATWG `URL` spells its `hostname` (IPv6 in brackets). */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `url` is https, or http on a loopback host (where plain http never leaves the machine). */
export function isHttpsOrLoopbackHttp(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** An absolute https URL, or http on a loopback host (a JWK Set or endpoint a key may name). */
export function isSecureUrl(value: unknown): value is string {
  return typeof value === 'string' && URL.canParse(value) && isHttpsOrLoopbackHttp(new URL(value));
}
