import { Test } from '@nestjs/testing';
import {
  CacheModule,
  RedisService,
  type CacheModuleOptions,
  type RedisConnectionOptions,
} from 'nestjs-coherent-cache';
import { productConnection } from './product-user.js';
import { waitFor } from './wait-for.js';

/**
 * A `RedisService` in a bare Nest module, for tests of the cache module alone. `target` is a
 * `redis://` URL or connection options (Sentinel, Cluster).
 */
export async function startRedisService(
  target: string | RedisConnectionOptions,
  options: Partial<CacheModuleOptions> = {},
  { waitReady = true } = {},
): Promise<{
  redis: RedisService;
  /** Another provider of the module (a pattern service). */
  get: <T>(type: new (...args: never[]) => T) => T;
  close: () => Promise<void>;
}> {
  const keyPrefix = options.keyPrefix ?? `t${Math.random().toString(36).slice(2, 8)}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({
        ...options,
        connection: await productConnection(target, keyPrefix),
        keyPrefix,
      }),
    ],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  const redis = moduleRef.get(RedisService);
  if (waitReady) await waitFor(() => redis.isAvailable, { what: 'Redis ready' });
  return {
    redis,
    get: (type) => moduleRef.get(type),
    close: () => moduleRef.close(),
  };
}
