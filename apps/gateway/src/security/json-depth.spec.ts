import { exceedsJsonDepth } from './json-depth';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(exceedsJsonDepth(Buffer.from(nested(3)), 3)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from(nested(4)), 3)).toBe(true);
    expect(exceedsJsonDepth(Buffer.from('{"a":{"b":"[[[[{{{{"}}'), 2)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from('{"a":"\\"[[[[","b":[{}]}'), 3)).toBe(false);
    expect(exceedsJsonDepth(Buffer.from('{"a":"\\"[[[[","b":[{"c":[]}]}'), 3)).toBe(true);
  });

  it('handles 100,000 levels without recursion', () => {
    expect(exceedsJsonDepth(Buffer.from(nested(100_000)), 100)).toBe(true);
  });
});
