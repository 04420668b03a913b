import { UcumLhcUtils } from '@lhncbc/ucum-lhc';

/** The system of UCUM units (R4 Quantity.system). */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/** Longer unit codes are not handed to the UCUM parser: they are compared exactly, like non-UCUM units. */
const MAX_UNIT_LENGTH = 64;
/** Distinct unit codes whose conversion is remembered; the cache starts over beyond this. */
const MAX_CACHED_UNITS = 1000;
/** UCUM's character set (printable ASCII, no space): other codes are not UCUM and are compared exactly. */
const UCUM_CHARACTERS = /^[!-~]+$/;
/** Canonical values are rounded to this many significant digits, so that equal quantities meet despite float error. */
const SIGNIFICANT_DIGITS = 12;

/** How a unit converts to UCUM base units: a factor, or (special units such as Cel) a conversion per value. */
type Conversion = { unit: string; factor: number } | { unit: string; special: (value: number) => number };

let utils: UcumLhcUtils | undefined;
const conversions = new Map<string, Conversion | null>();

/** NLM's UCUM library, loaded once per thread on first use (its unit tables are large). */
function ucum(): UcumLhcUtils {
  return (utils ??= UcumLhcUtils.getInstance());
}

/**
 * A conversion by the library, with `console.log` silenced: the library prints
 * the unit string of any unit it fails to parse (`Unit requested for unit string
 * ...`) to stdout, past the logger, and a unit string is the client's text.
 */
function convert(code: string, value: number): ReturnType<UcumLhcUtils['convertToBaseUnits']> {
  const log = console.log;
  console.log = () => undefined;
  try {
    return ucum().convertToBaseUnits(code, value);
  } finally {
    console.log = log;
  }
}

/** `m-3.g1` for mass concentrations, `1` for dimensionless units: the base units and exponents, in UCUM's order. */
const baseUnit = (unitToExp: Record<string, number>) =>
  Object.entries(unitToExp)
    .map(([unit, exponent]) => `${unit}${exponent}`)
    .join('.') || '1';

function conversionOf(code: string): Conversion | undefined {
  if (code.length > MAX_UNIT_LENGTH || !UCUM_CHARACTERS.test(code)) return undefined;
  let conversion = conversions.get(code);
  if (conversion === undefined) {
    const result = convert(code, 1);
    if (result.status !== 'succeeded' || typeof result.magnitude !== 'number' || !result.unitToExp) conversion = null;
    else {
      const unit = baseUnit(result.unitToExp);
      const special = (value: number) => convert(code, value).magnitude ?? NaN;
      // A decreasing conversion ([pH]: a higher pH is a lower concentration) would turn searches' prefixes
      // and sorts around: such a unit is compared as stored, like one that does not convert.
      if (!result.fromUnitIsSpecial) conversion = { unit, factor: result.magnitude };
      else conversion = special(1) < special(2) ? { unit, special } : null;
    }
    if (conversions.size >= MAX_CACHED_UNITS) conversions.clear();
    conversions.set(code, conversion);
  }
  return conversion ?? undefined;
}

const round = (value: number) => Number(value.toPrecision(SIGNIFICANT_DIGITS));

/**
 * A quantity in UCUM base units (`150 mg/dL` is `1500 m-3.g1`), or undefined when its unit does not
 * convert, or converts by a decreasing function (`[pH]`).
 */
export function toCanonical(value: number, code: string): { value: number; unit: string } | undefined {
  const conversion = conversionOf(code);
  if (!conversion) return undefined;
  const converted = 'factor' in conversion ? value * conversion.factor : conversion.special(value);
  return Number.isFinite(converted) ? { value: round(converted), unit: conversion.unit } : undefined;
}

/**
 * A search value's range (R4 3.1.1.4.1: the value and the bounds its significant
 * figures imply) in base units; undefined when the unit does not convert.
 */
export function canonicalRange(
  range: { value: number; low: number; high: number },
  code: string,
): { range: { value: number; low: number; high: number }; unit: string } | undefined {
  const [value, low, high] = [range.value, range.low, range.high].map((n) => toCanonical(n, code));
  if (!value || !low || !high) return undefined;
  return { range: { value: value.value, low: low.value, high: high.value }, unit: value.unit };
}
