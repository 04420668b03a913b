import { isoTimestamp, newEventId } from './ehr-event';

// RFC 9562 section 5.7: 48-bit big-endian Unix milliseconds, version 7, variant bits 10.
const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids and timestamps', () => {
  it('makes UUIDv7 ids carrying the creation millisecond', () => {
    const millis = Date.UTC(2026, 11, 5, 6, 30, 0, 123); // 1,796,447,400,123 = 0x01a244e52ebb
    const id = newEventId(millis);
    const [, high, low] = UUID_V7.exec(id) ?? [];
    expect(high + low).toBe('01a244e52ebb');
  });

  it('sorts ids in creation order, within a millisecond too, and never goes back with the clock', () => {
    const start = Date.UTC(2026, 11, 5, 7, 0, 0, 0);
    const ids = [
      ...Array.from({ length: 5000 }, () => newEventId(start)),
      newEventId(start + 1),
      newEventId(start - 1000),
    ];
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('formats timestamps as ISO 8601 UTC with milliseconds', () => {
    expect(isoTimestamp(Date.UTC(2026, 11, 5, 6, 30, 0, 7))).toBe('2026-12-05T06:30:00.007Z');
    expect(isoTimestamp(Date.UTC(2026, 11, 5, 6, 30, 0, 999))).toBe('2026-12-05T06:30:00.999Z');
    expect(isoTimestamp(Date.UTC(2026, 11, 5, 6, 30, 1, 0))).toBe('2026-12-05T06:30:01.000Z');
    expect(isoTimestamp(Date.UTC(2026, 11, 5, 6, 29, 59, 500))).toBe('2026-12-05T06:29:59.500Z');
    expect(isoTimestamp(Date.UTC(1969, 11, 31, 23, 59, 59, 250))).toBe('1969-12-31T23:59:59.250Z');
  });
});
