export { CacheTestingModule } from './cache-testing.module.js';
export type { CacheTestingModuleOptions } from './cache-testing.options.js';
export { TestCacheClock } from './test-cache.clock.js';
export {
  cacheClockOf,
  cacheStatsOf,
  resetCache,
  type CacheTestingSource,
} from './cache-testing.helpers.js';
