import { InMemoryReplayStore } from './replay-store';

describe('InMemoryReplayStore', () => {
  it('refuses a jti until its token expires, and forgets it afterwards', async () => {
    let now = 1_000;
    const store = new InMemoryReplayStore(() => now);
    expect(await store.remember('a', 1_300)).toBe(true);
    now = 1_299;
    expect(await store.remember('a', 1_300)).toBe(false);
    expect(store.size).toBe(1);
    now = 1_400;
    expect(await store.remember('b', 1_600)).toBe(true);
    // 'a' expired and the sweep interval passed: swept, not kept forever.
    expect(store.size).toBe(1);
    expect(await store.remember('a', 1_600)).toBe(true);
  });
});
