/** Remembers JWT ids until they expire, to refuse a replayed token. */
export interface ReplayStore {
  /** `true` when `jti` was not seen before (and is now remembered until `expiresAt`, epoch seconds). */
  remember(jti: string, expiresAt: number): Promise<boolean>;
}

/** Seconds between sweeps of expired ids. */
const SWEEP_INTERVAL_S = 10;

/**
 * The default replay store: in this process's memory, each id kept until its
 * token expires. Several gateway instances each keep their own.
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  /** @param now the clock, epoch seconds */
  constructor(private readonly now: () => number = () => Date.now() / 1000) {}

  /** Ids currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  async remember(jti: string, expiresAt: number): Promise<boolean> {
    const now = this.now();
    if (now >= this.nextSweep) {
      for (const [key, expiry] of this.seen) if (expiry < now) this.seen.delete(key);
      this.nextSweep = now + SWEEP_INTERVAL_S;
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
