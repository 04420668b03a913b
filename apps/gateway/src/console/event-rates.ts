import type { EHREvent } from '@ehr-gateway/events';

const MINUTE_MS = 60_000;
export const RATE_WINDOW_MINUTES = 15;

interface TypeCounts {
  events: number;
  failures: number;
}

export interface EventRatesSnapshot {
  /** ISO start of each one-minute bucket, oldest first; the last is the current minute. */
  minutes: string[];
  /** Per event type, the events and failures of each bucket. */
  types: Record<string, { events: number[]; failures: number[] }>;
}

/** Events per type and minute over the last 15 minutes, failures apart. */
export class EventRates {
  private readonly buckets = new Map<number, Map<string, TypeCounts>>();

  constructor(private readonly now: () => number = Date.now) {}

  count(event: EHREvent): void {
    const minute = Math.floor(this.now() / MINUTE_MS);
    let bucket = this.buckets.get(minute);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(minute, bucket);
      for (const old of this.buckets.keys()) if (old <= minute - RATE_WINDOW_MINUTES) this.buckets.delete(old);
    }
    let counts = bucket.get(event.eventType);
    if (!counts) bucket.set(event.eventType, (counts = { events: 0, failures: 0 }));
    counts.events++;
    if (event.payload.outcome === 'failure') counts.failures++;
  }

  snapshot(): EventRatesSnapshot {
    const current = Math.floor(this.now() / MINUTE_MS);
    const minutes = Array.from({ length: RATE_WINDOW_MINUTES }, (_, i) => current - RATE_WINDOW_MINUTES + 1 + i);
    const types: EventRatesSnapshot['types'] = {};
    minutes.forEach((minute, i) => {
      for (const [type, counts] of this.buckets.get(minute) ?? []) {
        const series = (types[type] ??= {
          events: new Array<number>(RATE_WINDOW_MINUTES).fill(0),
          failures: new Array<number>(RATE_WINDOW_MINUTES).fill(0),
        });
        series.events[i] = counts.events;
        series.failures[i] = counts.failures;
      }
    });
    return { minutes: minutes.map((minute) => new Date(minute * MINUTE_MS).toISOString()), types };
  }
}
