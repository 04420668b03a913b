/** Remembers JWT ids until they expire, to refuse a replayed token. */
export interface ReplayStore {
  /** `true` when `jti` was not seen before (and is now remembered until `expiresAt`, epoch seconds). */
  remember(jti: string, expiresAt: number): Promise<boolean>;
}

/** The default replay store: in this process's memory. Several gateway instances each keep their own. */
export class InMemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();

  async remember(jti: string, expiresAt: number): Promise<boolean> {
    const now = Date.now() / 1000;
    if (this.seen.size > 10_000) {
      for (const [key, expiry] of this.seen) if (expiry < now) this.seen.delete(key);
    }
    const known = this.seen.get(jti);
    if (known !== undefined && known >= now) return false;
    this.seen.set(jti, expiresAt);
    return true;
  }
}

/** The narrow part of a Redis client the replay store needs (node-redis's `set`). */
export interface RedisSetClient {
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'EXAT'; value: number } },
  ): Promise<string | null>;
}

/**
 * A replay store shared by every gateway instance that uses the same Redis:
 * `SET key 1 NX EXAT exp` remembers a `jti` atomically until its token expires.
 */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly client: RedisSetClient,
    private readonly prefix = 'ehr-gateway:cds-jti:',
  ) {}

  async remember(jti: string, expiresAt: number): Promise<boolean> {
    const reply = await this.client.set(`${this.prefix}${jti}`, '1', {
      condition: 'NX',
      expiration: { type: 'EXAT', value: Math.ceil(expiresAt) },
    });
    return reply === 'OK';
  }
}
