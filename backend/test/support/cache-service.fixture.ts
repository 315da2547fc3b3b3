import { CacheService, type CacheModuleOptions, type RedisService } from 'nestjs-coherent-cache';
import { startRedisService } from './redis-service.fixture.js';

/** A `CacheService` (and its `RedisService`) in a bare Nest module, on its own connection. */
export async function startCacheService(
  url: string,
  options: Partial<CacheModuleOptions> = {},
  { waitReady = true } = {},
): Promise<{ cache: CacheService; redis: RedisService; close: () => Promise<void> }> {
  const { redis, get, close } = await startRedisService(url, options, { waitReady });
  return { cache: get(CacheService), redis, close };
}
