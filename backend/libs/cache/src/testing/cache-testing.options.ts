import type { CacheServiceOptions } from '../caching/cache-service.options.js';
import type { RedisServiceOptions } from '../connection/redis-service.options.js';
import type { HttpCacheOptions } from '../http/http-cache.options.js';
import type { TestCacheClock } from './test-cache.clock.js';

/**
 * Options of `CacheTestingModule.forRoot`: those of `CacheModule.forRoot` except the ones that
 * reach Redis (there is never a connection) and the clock, which is the test's.
 */
export interface CacheTestingModuleOptions extends Omit<
  RedisServiceOptions,
  'connection' | 'stateConnection'
> {
  /** Rules of `CacheInterceptor` (user resolver, `X-Cache` header). */
  http?: HttpCacheOptions;
  /**
   * `CacheService` defaults, as in `CacheModule`. Two differ so that tests are deterministic:
   * `jitterRatio` is 0 (a TTL is exact: fresh before `ttlSeconds`, a miss from it on) and
   * `refreshAheadBeta` is 0 (no random refresh ahead of expiry). Give them to test those.
   */
  caching?: Omit<CacheServiceOptions, 'clock'>;
  /** The clock the cache follows. Default: a new `TestCacheClock` per compiled module. */
  clock?: TestCacheClock;
}

/** What the testing module asks of the caching layer, apart from what tests give. */
const TESTING_CACHING_DEFAULTS = { jitterRatio: 0, refreshAheadBeta: 0 } as const;

/**
 * The `CacheModule` options of a testing module: memory-only (any `connection` or
 * `stateConnection` given despite the types is dropped) and on `clock`.
 */
export function toCacheModuleOptions(
  options: CacheTestingModuleOptions,
  clock: TestCacheClock,
): RedisServiceOptions & { caching: CacheServiceOptions; http?: HttpCacheOptions } {
  const { clock: _given, caching, ...rest } = options;
  const {
    connection: _connection,
    stateConnection: _state,
    ...memoryOnly
  } = rest as RedisServiceOptions;
  return { ...memoryOnly, caching: { ...TESTING_CACHING_DEFAULTS, ...caching, clock } };
}
