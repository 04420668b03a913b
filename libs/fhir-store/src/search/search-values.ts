import { convertToSearchableDates } from '@medplum/core';
import { DATE_MAX, DATE_MIN } from '../indexing/values';

export const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type Prefix = (typeof PREFIXES)[number];

/** Splits an optional comparison prefix (`ge2020`, `gt-5`) off a date, number or quantity value. */
export function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2) as Prefix;
  if (PREFIXES.includes(head) && /^[\d+-]/.test(value.slice(2))) return { prefix: head, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}

const DATE =
  /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3])(:[0-5]\d(:([0-5]\d|60)(\.\d{1,9})?)?)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?)?)?)?$/;

/** The instants a date search value covers, from its precision: `2025` is the whole year (inclusive bounds, ms). */
export function dateRange(value: string): [number, number] | undefined {
  if (!DATE.test(value)) return undefined;
  const [period] = convertToSearchableDates([{ type: value.includes('T') ? 'dateTime' : 'date', value }]);
  const low = period?.start ? Date.parse(period.start) : NaN;
  const high = period?.end ? Date.parse(period.end) : NaN;
  if (Number.isNaN(low) || Number.isNaN(high)) return undefined;
  return [Math.max(low, DATE_MIN), Math.min(high, DATE_MAX)];
}

const NUMBER = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A number search value and the range its precision stands for (R4 3.1.1.4.1):
 * `100` is [99.5, 100.5), `100.00` is [99.995, 100.005), `1e2` is [95, 105).
 */
export function numberRange(value: string): { value: number; low: number; high: number } | undefined {
  const match = NUMBER.exec(value);
  if (!match) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) return undefined;
  const [, , whole, fraction = '', exponent] = match;
  const half =
    exponent === undefined
      ? 0.5 * 10 ** -fraction.length
      : 0.5 * 10 ** (Number(exponent) - (whole.replace(/^0+/, '').length + fraction.length));
  return { value: number, low: number - half, high: number + half };
}
