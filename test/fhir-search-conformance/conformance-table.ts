import { KNOWN_GAPS, type KnownGap } from './known-gaps';
import { checkRow, rowFails, type Search } from './check-row';
import { CONFORMANCE_ROWS, rowName } from './rows';

const gapRow = (gap: KnownGap) => (typeof gap === 'string' ? gap : gap.row);

/**
 * Declares the conformance tests over one way of reaching the store: every row
 * must give its expected answer, except the known gaps, which must still fail.
 */
export function describeConformanceTable(search: () => Search, over: 'in-process' | 'http') {
  const names = CONFORMANCE_ROWS.map(rowName);

  it('has at least 150 uniquely named rows and lists only existing rows as gaps', () => {
    expect(CONFORMANCE_ROWS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(names).size).toBe(names.length);
    expect(KNOWN_GAPS.map(gapRow).filter((gap) => !names.includes(gap))).toEqual([]);
  });

  const gaps = new Set(KNOWN_GAPS.filter((gap) => typeof gap === 'string' || over === 'http').map(gapRow));
  const passing = CONFORMANCE_ROWS.filter((row) => !gaps.has(rowName(row)));
  const failing = CONFORMANCE_ROWS.filter((row) => gaps.has(rowName(row)));

  it.each(passing.map((row) => [rowName(row), row] as const))('%s', async (_name, row) => {
    await checkRow(row, search());
  });

  if (failing.length > 0) {
    it.each(failing.map((row) => [rowName(row), row] as const))('known gap still fails: %s', async (_name, row) => {
      expect(await rowFails(row, search())).toBe(true);
    });
  }
}
