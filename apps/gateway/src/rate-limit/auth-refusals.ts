import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { RateLimitOptions } from './rate-limit';

const THROTTLER_NAME = 'auth-refusals';

/**
 * The rate limit's count of requests the inbound guard refused (401, 403). The
 * rate limit itself runs after authentication, since it counts per
 * authenticated caller; a refused request is counted here instead, by client
 * IP, against the same budget (`RATE_LIMIT_REQUESTS` per window). An IP over it
 * is refused for the rest of the window before its credential is checked.
 */
export class AuthRefusals {
  private readonly ttl: number;

  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly options: RateLimitOptions,
  ) {
    this.ttl = options.windowSeconds * 1000;
  }

  /** Seconds until `ip` may try again; 0 when it is within its budget. */
  blockedFor(ip: string): number {
    if (!(this.storage instanceof ThrottlerStorageService)) return 0;
    const record = this.storage.storage.get(this.key(ip));
    return record?.isBlocked ? Math.max(0, Math.ceil((record.blockExpiresAt - Date.now()) / 1000)) : 0;
  }

  /** Counts one refusal of `ip`: the seconds it must now wait (0 while within its budget). */
  async count(ip: string): Promise<number> {
    const record = await this.storage.increment(
      this.key(ip),
      this.ttl,
      this.options.requests,
      this.ttl,
      THROTTLER_NAME,
    );
    return record.isBlocked ? Math.max(1, record.timeToBlockExpire) : 0;
  }

  private key(ip: string): string {
    return `${THROTTLER_NAME}:${ip}`;
  }
}
