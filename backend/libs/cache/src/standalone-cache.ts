import type { CacheModuleOptions } from './cache-module.options.js';
import { CacheService } from './caching/cache.service.js';
import { RedisService } from './connection/redis.service.js';

/** A `CacheService` built without Nest, with the means to close it. */
export interface StandaloneCache {
  cache: CacheService;
  redis: RedisService;
  /** Quits the connection. */
  close(): Promise<void>;
}

/**
 * Builds a `RedisService` and a `CacheService` outside Nest's container (scripts, benchmarks),
 * starts connecting and, unless `waitReadyMs` is 0, waits up to that long for Redis to be ready
 * (it never throws for Redis: the cache then degrades to calling the loaders).
 */
export async function createStandaloneCache(
  options: CacheModuleOptions,
  waitReadyMs = 2_000,
): Promise<StandaloneCache> {
  const redis = new RedisService(options);
  redis.onModuleInit();
  const cache = new CacheService(redis, options.caching);
  const deadline = Date.now() + waitReadyMs;
  while (!redis.isAvailable && redis.mode !== 'memory' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { cache, redis, close: () => redis.onApplicationShutdown() };
}
