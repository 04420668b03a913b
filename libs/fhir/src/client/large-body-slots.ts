/**
 * How many upstream response bodies above `LARGE_BODY_BYTES` the gateway
 * holds at once, shared by every upstream source of one registry: each such
 * body is buffered and parsed whole, so their number bounds the memory a burst
 * of big answers can take. A body that finds no free slot is refused at once
 * (the caller gets 503 with `Retry-After`), rather than queued while its socket stalls.
 */
export const LARGE_BODY_BYTES = 1024 * 1024;
export const DEFAULT_LARGE_BODY_SLOTS = 2;

export class LargeBodySlots {
  private inUse = 0;

  constructor(readonly size: number = DEFAULT_LARGE_BODY_SLOTS) {}

  /** Takes a slot; `undefined` when none is free, else the function that gives it back (once). */
  tryAcquire(): (() => void) | undefined {
    if (this.inUse >= this.size) return undefined;
    this.inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
    };
  }
}
