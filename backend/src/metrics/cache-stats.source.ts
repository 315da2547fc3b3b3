import type { RedisService } from 'nestjs-coherent-cache';

/** Counters of one named cache (or route). */
export interface CacheNameStats {
  hits: number;
  misses: number;
  /** Loader (handler or source) calls made on a miss. */
  loads: number;
  errors: number;
  /** Stale entries served while a refresh ran or the source failed. */
  staleServed: number;
}

/** A snapshot of cache counters, total and by cache name (the shape `getStats()` returns). */
export interface CacheStatsSnapshot {
  total: CacheNameStats;
  byName: Record<string, CacheNameStats>;
}

/** Anything that can report per-name cache counters at scrape time. */
export type CacheStatsReader = () => CacheStatsSnapshot;

/**
 * Fallback per-name counters when no `CacheService` is present: one name, `redis`, read from
 * `RedisService.getStats()` (its `get`/`mget` hits and misses, failed calls).
 */
export function cacheStatsFromRedis(redis: RedisService): CacheStatsReader {
  return () => {
    const stats = redis.getStats();
    const redisStats: CacheNameStats = {
      hits: stats.hits,
      misses: stats.misses,
      loads: 0,
      errors: stats.errors,
      staleServed: 0,
    };
    return { total: redisStats, byName: { redis: redisStats } };
  };
}
