import { Counter, type Registry } from 'prom-client';
import type { CacheNameStats, CacheStatsReader } from './cache-stats.source.js';

const COUNTERS: readonly { field: keyof CacheNameStats; name: string; help: string }[] = [
  { field: 'hits', name: 'cache_hits_total', help: 'Cache reads that found a value.' },
  { field: 'misses', name: 'cache_misses_total', help: 'Cache reads that found nothing.' },
  { field: 'loads', name: 'cache_loads_total', help: 'Loader calls made on a miss.' },
  { field: 'errors', name: 'cache_errors_total', help: 'Cache operations that failed.' },
  {
    field: 'staleServed',
    name: 'cache_stale_served_total',
    help: 'Stale entries served while refreshing or while the source failed.',
  },
];

/**
 * Registers the per-name cache counters (`cache_hits_total{cache}` and the others). Values are
 * read from `read()` at scrape time, so `/metrics` and `getStats()` cannot disagree. This is the
 * one place where per-name cache counters are registered.
 */
export function registerCacheCounters(registry: Registry, read: CacheStatsReader): void {
  for (const { field, name, help } of COUNTERS) {
    new Counter({
      name,
      help,
      labelNames: ['cache'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [cache, stats] of Object.entries(read().byName)) {
          this.inc({ cache }, stats[field]);
        }
      },
    });
  }
}
