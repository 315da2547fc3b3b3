import type { INestApplicationContext } from '@nestjs/common';
import { CacheService } from '../caching/cache.service.js';
import type { CacheNameStats, CacheStats } from '../caching/cache-stats.js';
import { TestCacheClock } from './test-cache.clock.js';

/**
 * Where the helpers find the cache: a compiled testing module (`TestingModule`), an application,
 * or the `CacheService` itself.
 */
export type CacheTestingSource = CacheService | Pick<INestApplicationContext, 'get'>;

/** Counters as they stood at the last `resetCache` of each service. */
const baselines = new WeakMap<CacheService, CacheStats>();

/**
 * The cache's counters since the last {@link resetCache} (or since the module started): of the
 * call name `name` (a `@Cacheable` method counts under `Class.method` unless it sets `name`; a
 * `getOrSet` under its `name` option, else `default`), or of every name together when omitted.
 * A name never used reads as zeros.
 */
export function cacheStatsOf(source: CacheTestingSource, name?: string): CacheNameStats {
  const cache = cacheServiceOf(source);
  const now = cache.getStats();
  const before = baselines.get(cache);
  const current = name === undefined ? now.total : now.byName[name];
  const base = before && (name === undefined ? before.total : before.byName[name]);
  return {
    hits: (current?.hits ?? 0) - (base?.hits ?? 0),
    misses: (current?.misses ?? 0) - (base?.misses ?? 0),
    loads: (current?.loads ?? 0) - (base?.loads ?? 0),
    errors: (current?.errors ?? 0) - (base?.errors ?? 0),
    staleServed: (current?.staleServed ?? 0) - (base?.staleServed ?? 0),
    loadMs: (current?.loadMs ?? 0) - (base?.loadMs ?? 0),
  };
}

/**
 * Deletes every entry (`CacheService.clear()`: loads in flight will not store) and starts the
 * counters that {@link cacheStatsOf} reads again from zero. `CacheService.getStats()` keeps
 * counting from the start (its counters only grow, as Prometheus counters must). The clock is
 * left where it is.
 */
export async function resetCache(source: CacheTestingSource): Promise<void> {
  const cache = cacheServiceOf(source);
  await cache.clear();
  baselines.set(cache, cache.getStats());
}

/**
 * The {@link TestCacheClock} the cache follows.
 *
 * @throws Error when the cache was not set up by `CacheTestingModule` (its clock is another)
 */
export function cacheClockOf(source: CacheTestingSource): TestCacheClock {
  const clock = cacheServiceOf(source).settings.clock;
  if (!(clock instanceof TestCacheClock)) {
    throw new Error(
      'this cache does not run on a TestCacheClock: use CacheTestingModule.forRoot()',
    );
  }
  return clock;
}

function cacheServiceOf(source: CacheTestingSource): CacheService {
  return source instanceof CacheService ? source : source.get(CacheService);
}
