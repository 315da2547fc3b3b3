import { Registry } from 'prom-client';
import { registerCacheCounters } from './cache-counters.collector.js';
import type { CacheStatsSnapshot } from './cache-stats.source.js';

describe('registerCacheCounters', () => {
  it('exposes each name’s counters as they are at scrape time', async () => {
    const snapshot: CacheStatsSnapshot = {
      total: { hits: 5, misses: 3, loads: 3, errors: 1, staleServed: 0 },
      byName: {
        products: { hits: 4, misses: 1, loads: 1, errors: 0, staleServed: 0 },
        'GET /me': { hits: 1, misses: 2, loads: 2, errors: 1, staleServed: 0 },
      },
    };
    const registry = new Registry();
    registerCacheCounters(registry, () => snapshot);

    let text = await registry.metrics();
    expect(text).toContain('# TYPE cache_hits_total counter');
    expect(text).toContain('cache_hits_total{cache="products"} 4');
    expect(text).toContain('cache_misses_total{cache="GET /me"} 2');
    expect(text).toContain('cache_loads_total{cache="products"} 1');
    expect(text).toContain('cache_errors_total{cache="GET /me"} 1');

    (snapshot.byName.products as { hits: number }).hits = 9;
    text = await registry.metrics();
    expect(text).toContain('cache_hits_total{cache="products"} 9');
  });
});
