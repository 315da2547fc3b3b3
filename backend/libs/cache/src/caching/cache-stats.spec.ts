import { CacheCounters } from './cache-stats.js';

describe('CacheCounters', () => {
  it('counts per name and in total, and returns a copy', () => {
    const counters = new CacheCounters();
    counters.count('a', 'hits');
    counters.count('a', 'misses');
    counters.count('b', 'loads');
    const snapshot = counters.snapshot();
    expect(snapshot.total).toEqual({
      hits: 1,
      misses: 1,
      loads: 1,
      errors: 0,
      staleServed: 0,
      loadMs: 0,
    });
    expect(snapshot.byName.a).toEqual({
      hits: 1,
      misses: 1,
      loads: 0,
      errors: 0,
      staleServed: 0,
      loadMs: 0,
    });
    snapshot.total.hits = 99;
    expect(counters.snapshot().total.hits).toBe(1);
  });

  it('keeps the number of names bounded', () => {
    const counters = new CacheCounters();
    for (let i = 0; i < 2_000; i += 1) counters.count(`n${i}`, 'hits');
    const { byName, total } = counters.snapshot();
    expect(Object.keys(byName).length).toBeLessThanOrEqual(501);
    expect(byName.other?.hits).toBe(1_500);
    expect(total.hits).toBe(2_000);
  });

  it('counts loader calls, their time and failures, and tells observers', async () => {
    const counters = new CacheCounters();
    const seen: unknown[] = [];
    const stop = counters.observeLoads((event) => seen.push(event));
    counters.observeLoads(() => {
      throw new Error('an observer that throws');
    });
    const ok = counters.countedLoader(
      'a',
      async (context) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return context.background;
      },
      { background: true },
    );
    expect(await ok()).toBe(true);
    const failing = counters.countedLoader(
      'a',
      () => {
        throw new Error('db down');
      },
      { background: false },
    );
    await expect(failing()).rejects.toThrow('db down');
    const stats = counters.snapshot().byName.a;
    expect(stats).toMatchObject({ loads: 2, errors: 1 });
    expect(stats?.loadMs).toBeGreaterThanOrEqual(15);
    expect(seen).toEqual([
      { name: 'a', durationMs: expect.any(Number) as number, outcome: 'ok', background: true },
      { name: 'a', durationMs: expect.any(Number) as number, outcome: 'error', background: false },
    ]);
    stop();
    await ok();
    expect(seen).toHaveLength(2);
  });
});
