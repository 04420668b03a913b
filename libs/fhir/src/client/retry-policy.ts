const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const BASE_DELAY_MS = 200;
/** A `Retry-After` longer than this is not waited for: the upstream's answer is passed on instead. */
export const MAX_RETRY_DELAY_MS = 10_000;

export function isRetryable(method: string, status: number): boolean {
  return IDEMPOTENT_METHODS.has(method) && RETRYABLE_STATUSES.has(status);
}

/**
 * How long to wait before retry number `attempt` (1-based): the upstream's
 * `Retry-After` (seconds or HTTP date) when present, else exponential backoff
 * with jitter. `undefined` when the wait would exceed `MAX_RETRY_DELAY_MS`.
 */
export function retryDelayMs(attempt: number, retryAfter: string | undefined, now = Date.now()): number | undefined {
  let delay: number;
  if (retryAfter !== undefined && retryAfter !== '') {
    const seconds = Number(retryAfter);
    delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isNaN(delay)) delay = BASE_DELAY_MS;
  } else {
    delay = BASE_DELAY_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  }
  delay = Math.max(0, delay);
  return delay > MAX_RETRY_DELAY_MS ? undefined : delay;
}
