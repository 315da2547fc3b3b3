import { CacheCounters } from './cache-stats.js';

describe('CacheCounters', () => {
  it('counts per name and in total, and returns a copy', () => {
    const counters = new CacheCounters();
    counters.count('a', 'hits');
    counters.count('a', 'misses');
    counters.count('b', 'loads');
    const snapshot = counters.snapshot();
    expect(snapshot.total).toEqual({ hits: 1, misses: 1, loads: 1, errors: 0, staleServed: 0 });
    expect(snapshot.byName.a).toEqual({ hits: 1, misses: 1, loads: 0, errors: 0, staleServed: 0 });
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
});
