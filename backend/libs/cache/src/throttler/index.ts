/**
 * The `nestjs-coherent-cache/throttler` entry: a `ThrottlerStorage` for `@nestjs/throttler` on
 * the cache's state Redis. `CacheModule` provides it; its types come from `@nestjs/throttler`,
 * which only this entry refers to.
 */
export {
  RedisThrottlerStorage,
  REDIS_THROTTLER_STORAGE_OPTIONS,
  type RedisThrottlerStorageOptions,
  type RedisThrottlerStorageRecord,
} from '../patterns/throttler-storage.js';
