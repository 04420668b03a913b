import { canonicalRange, toCanonical } from './ucum';

/** Expected values from the UCUM definitions (base units m, s, g, K...; mol is dimensionless 6.0221367e23). */
describe('UCUM canonical quantities', () => {
  it.each([
    [150, 'mg/dL', 1500, 'g1.m-3'],
    [1, 'g/L', 1000, 'g1.m-3'],
    [70, 'kg', 70000, 'g1'],
    [60, '/min', 1, 's-1'],
    [2, 'h', 7200, 's1'],
    [37, 'Cel', 310.15, 'K1'],
    [5, '%', 0.05, '1'],
  ])('%d %s is %d in %s', (value, unit, canonical, base) => {
    const converted = toCanonical(value, unit)!;
    expect(converted.unit.split('.').sort()).toEqual(base.split('.').sort());
    expect(converted.value).toBe(canonical);
  });

  it('leaves units that do not convert, convert by a decreasing function, or are over-long, uncompared in canonical form', () => {
    expect(toCanonical(1, '[IU]')).toBeUndefined();
    // pH is -log10 of the H+ concentration: pH 7 is less H+ than pH 6, its canonical order the reverse of its own.
    expect(toCanonical(7, '[pH]')).toBeUndefined();
    expect(toCanonical(1, 'not-a-unit')).toBeUndefined();
    expect(toCanonical(1, `${'m'.repeat(40)}/${'g'.repeat(40)}`)).toBeUndefined();
  });

  it('converts a search range bound by bound, and refuses a decreasing conversion ([pH])', () => {
    expect(canonicalRange({ value: 1, low: 0.5, high: 1.5 }, 'g/L')).toEqual({
      range: { value: 1000, low: 500, high: 1500 },
      unit: toCanonical(1, 'g/L')!.unit,
    });
    expect(canonicalRange({ value: 7, low: 6.5, high: 7.5 }, '[pH]')).toBeUndefined();
  });
});

describe('UCUM library output', () => {
  it('F7: a unit string the library fails to parse (a patient name, an annotation before parentheses) reaches neither stdout nor console.log', () => {
    const written = jest.spyOn(process.stdout, 'write');
    const logged = jest.spyOn(console, 'log');
    try {
      for (const unit of [
        'Quarrington Zebedee',
        'Zebedee{x}(mg)',
        '(mg)Zebedee{y}',
        'SSN\t123-45-6789',
        'glu\u0000cose',
      ])
        expect(toCanonical(5, unit)).toBeUndefined();
      // A valid unit with an annotation still converts (UCUM annotations are printable ASCII).
      expect(toCanonical(5, 'mg{Zebedee}')).toEqual(toCanonical(5, 'mg'));
      expect(logged).not.toHaveBeenCalled();
      expect(written).not.toHaveBeenCalled();
    } finally {
      written.mockRestore();
      logged.mockRestore();
    }
  });
});
