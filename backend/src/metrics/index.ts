export { MetricsModule } from './metrics.module.js';
export { MetricsService } from './metrics.service.js';
export { registerCacheCounters } from './cache-counters.collector.js';
export {
  cacheStatsFromRedis,
  type CacheNameStats,
  type CacheStatsSnapshot,
  type CacheStatsReader,
} from './cache-stats.source.js';
