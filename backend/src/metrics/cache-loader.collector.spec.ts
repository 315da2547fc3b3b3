import { Registry } from 'prom-client';
import { registerLoaderDurations } from './cache-loader.collector.js';

describe('registerLoaderDurations', () => {
  it('observes each loader call in seconds, by cache name and outcome', async () => {
    const registry = new Registry();
    const observe = registerLoaderDurations(registry);
    observe({ name: 'products', durationMs: 40, outcome: 'ok', background: false });
    observe({ name: 'products', durationMs: 2_000, outcome: 'ok', background: true });
    observe({ name: 'products', durationMs: 5, outcome: 'error', background: false });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE cache_loader_duration_seconds histogram');
    expect(text).toContain(
      'cache_loader_duration_seconds_bucket{le="0.05",cache="products",outcome="ok"} 1',
    );
    expect(text).toContain('cache_loader_duration_seconds_count{cache="products",outcome="ok"} 2');
    expect(text).toContain('cache_loader_duration_seconds_sum{cache="products",outcome="ok"} 2.04');
    expect(text).toContain(
      'cache_loader_duration_seconds_count{cache="products",outcome="error"} 1',
    );
  });
});
