import { Test } from '@nestjs/testing';
import {
  CacheModule,
  CacheService,
  RedisService,
  parseRedisUrl,
  type CacheModuleOptions,
} from '../../src/cache/index.js';
import { waitFor } from './wait-for.js';

/** A `CacheService` (and its `RedisService`) in a bare Nest module, on its own connection. */
export async function startCacheService(
  url: string,
  options: Partial<CacheModuleOptions> = {},
  { waitReady = true } = {},
): Promise<{ cache: CacheService; redis: RedisService; close: () => Promise<void> }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({
        connection: parseRedisUrl(url),
        keyPrefix: `t${Math.random().toString(36).slice(2, 8)}`,
        ...options,
      }),
    ],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  const redis = moduleRef.get(RedisService);
  if (waitReady) await waitFor(() => redis.isAvailable, { what: 'Redis ready' });
  return { cache: moduleRef.get(CacheService), redis, close: () => moduleRef.close() };
}
