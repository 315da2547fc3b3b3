/**
 * The `nestjs-coherent-cache` entry: what an application imports. Redis health checks live in
 * `nestjs-coherent-cache/health`, the `@nestjs/throttler` storage in
 * `nestjs-coherent-cache/throttler`, and test helpers in `nestjs-coherent-cache/testing`.
 *
 * @packageDocumentation
 */

// The module and its options.
export { CacheModule } from './cache.module.js';
export type { CacheModuleOptions } from './cache-module.options.js';
export type { CacheServiceOptions } from './caching/cache-service.options.js';
export type { HttpCacheOptions, CacheUserResolver } from './http/http-cache.options.js';
export type { MemoryTierOptions } from './caching/memory/memory-tier.options.js';
export type { CacheClock } from './caching/cache-clock.js';
export type { PatternsOptions } from './patterns/patterns.options.js';
export type { RedisServiceOptions } from './connection/redis-service.options.js';
export type { RedisConnectionInput } from './connection/connection-input.js';
export {
  parseRedisUrl,
  parseNodeList,
  type RedisConnectionOptions,
  type RedisAuthOptions,
  type RedisNode,
  type StandaloneConnection,
  type SentinelConnection,
  type ClusterConnection,
} from './connection/redis-connection.options.js';

// Redis.
export { RedisService, type RedisHealth } from './connection/redis.service.js';
export { StateRedis } from './connection/state-redis.js';
export type { RedisStats } from './connection/redis-stats.js';
export { createRedisClient, type RedisClient } from './connection/redis-client.factory.js';
export { readServerInfo, type ServerInfo } from './connection/server-info.js';
export { parseRedisInfo, type RedisServerFacts } from './health/redis-server-info.js';

// Caching.
export { CacheService } from './caching/cache.service.js';
export type {
  CacheLoader,
  GetOrSetOptions,
  LoaderContext,
  SetOptions,
} from './caching/get-or-set.options.js';
export type {
  CacheStats,
  CacheNameStats,
  LoaderCallEvent,
  LoaderCallObserver,
} from './caching/cache-stats.js';
export type { CacheValueCodec, EncodedValue } from './serialization/entry-codec.js';
export { createStandaloneCache, type StandaloneCache } from './standalone-cache.js';
export { key } from './keys/cache-keys.js';
export type { KeyPart } from './keys/key-encoding.js';
export { CACHE_TTL, type CacheTtlSeconds } from './keys/ttl.constants.js';
export { queueNameFor } from './keys/hash-tag.js';
export {
  CacheAttributes,
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
} from './telemetry/index.js';

// Decorators and HTTP.
export { Cacheable } from './decorators/cacheable.decorator.js';
export { CacheEvict } from './decorators/cache-evict.decorator.js';
export { CachePut } from './decorators/cache-put.decorator.js';
export { NoCache } from './decorators/no-cache.decorator.js';
export type {
  CacheableOptions,
  CacheEvictOptions,
  CachePutOptions,
  CacheScope,
  CacheArgsFn,
  HttpCacheContext,
} from './decorators/cache-decorator.options.js';
export { CacheInterceptor } from './http/cache.interceptor.js';
export { CacheInvalidationFilter } from './http/cache-invalidation.filter.js';
export { HttpExchange } from './http/http-exchange.js';
export { ResponseStoragePolicy } from './http/response-storage.policy.js';

// Patterns.
export { SessionService } from './patterns/session.service.js';
export type { Session, SessionWriteOptions } from './patterns/session.types.js';
export { RateLimiterService } from './patterns/rate-limiter.service.js';
export { RateLimit } from './patterns/rate-limit.decorator.js';
export { RateLimitGuard } from './patterns/rate-limit.guard.js';
export type {
  RateLimitResult,
  RateLimitCheckOptions,
  RateLimitOptions,
} from './patterns/rate-limit.types.js';
export { LockService } from './patterns/lock.service.js';
export type { LockHandle, AcquireLockOptions, WithLockResult } from './patterns/lock.types.js';
export { PubSubService } from './patterns/pub-sub.service.js';
export { defineChannel, type Channel, type MessageHandler } from './patterns/pub-sub.types.js';
export { CounterService, type CounterOptions } from './patterns/counter.service.js';
export { CacheWarmerService } from './patterns/cache-warmer.service.js';
export type { WarmJob, WarmOptions, WarmReport } from './patterns/cache-warmer.types.js';

// Errors.
export * from './errors/index.js';
