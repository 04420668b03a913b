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
