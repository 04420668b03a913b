import { isRetryable, MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-policy';

describe('retry policy', () => {
  it('retries idempotent requests on 429, 502, 503 and 504 only', () => {
    expect(isRetryable('GET', 503)).toBe(true);
    expect(isRetryable('PUT', 429)).toBe(true);
    expect(isRetryable('DELETE', 504)).toBe(true);
    expect(isRetryable('POST', 503)).toBe(false);
    expect(isRetryable('PATCH', 503)).toBe(false);
    expect(isRetryable('GET', 500)).toBe(false);
    expect(isRetryable('GET', 404)).toBe(false);
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(retryDelayMs(1, '3', now)).toBe(3000);
    expect(retryDelayMs(1, 'Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryDelayMs(1, 'Thu, 26 Nov 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('gives up rather than wait longer than the cap', () => {
    expect(retryDelayMs(1, String(MAX_RETRY_DELAY_MS / 1000 + 1))).toBeUndefined();
  });

  it('backs off exponentially without Retry-After', () => {
    for (let i = 0; i < 20; i++) {
      const first = retryDelayMs(1, undefined)!;
      const third = retryDelayMs(3, undefined)!;
      expect(first).toBeGreaterThanOrEqual(100);
      expect(first).toBeLessThanOrEqual(200);
      expect(third).toBeGreaterThanOrEqual(400);
      expect(third).toBeLessThanOrEqual(800);
    }
  });
});
