export { CacheModule } from './cache.module.js';
export {
  CACHE_MODULE_OPTIONS,
  CACHE_SERVICE_OPTIONS,
  HTTP_CACHE_OPTIONS,
  CACHEABLE_METADATA,
  CACHE_EVICT_METADATA,
  CACHE_PUT_METADATA,
  NO_CACHE_METADATA,
} from './cache.constants.js';
export {
  resolveCacheModuleOptions,
  type CacheModuleOptions,
  type ResolvedCacheModuleOptions,
} from './cache-module.options.js';
export { RedisService, type RedisHealth, type ShutdownHook } from './connection/redis.service.js';
export {
  resolveRedisServiceOptions,
  type RedisServiceOptions,
  type ResolvedRedisServiceOptions,
} from './connection/redis-service.options.js';
export { StateRedis } from './connection/state-redis.js';
export type { RedisStats } from './connection/redis-stats.js';
export type { BreakerState } from './connection/circuit-breaker.js';
export type {
  CallDescription,
  RedisCallEvent,
  RedisCallObserver,
  RedisCallOutcome,
} from './connection/bounded-executor.js';
export { createRedisClient, type RedisClient } from './connection/redis-client.factory.js';
export { readServerInfo, type ServerInfo } from './connection/server-info.js';
export {
  parseRedisInfo,
  luaCveWarning,
  type RedisServerFacts,
} from './health/redis-server-info.js';
export {
  parseRedisUrl,
  parseNodeList,
  type RedisConnectionOptions,
  type RedisConnectionMode,
  type RedisNode,
  type StandaloneConnection,
  type SentinelConnection,
  type ClusterConnection,
} from './connection/redis-connection.options.js';
export type { RedisConnectionInput } from './connection/connection-input.js';
export * from './keys/index.js';
export * from './errors/index.js';
export {
  JsonSerializer,
  type CacheSerializer,
  type DecodeResult,
} from './serialization/json.serializer.js';
export type { CacheValueCodec, EncodedValue } from './serialization/entry-codec.js';
export { TypedJsonCodec } from './serialization/typed-json.codec.js';
export { PlainJsonCodec } from './serialization/plain-json.codec.js';
export * from './patterns/index.js';
export { CacheService, type CacheKeyInfo } from './caching/cache.service.js';
export { createStandaloneCache, type StandaloneCache } from './standalone-cache.js';
export {
  CacheAttributes,
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  type GetOrSetOutcome,
} from './telemetry/index.js';
export type { CacheEntry } from './caching/cache-entry.js';
export { SYSTEM_CLOCK, type CacheClock } from './caching/cache-clock.js';
export type { CacheEntryStore } from './caching/redis-entry.store.js';
export {
  resolveCacheServiceOptions,
  type CacheServiceOptions,
  type ResolvedCacheServiceOptions,
} from './caching/cache-service.options.js';
export type {
  CacheStats,
  CacheNameStats,
  LoaderCallEvent,
  LoaderCallObserver,
} from './caching/cache-stats.js';
export type {
  CacheLoader,
  GetOrSetOptions,
  LoaderContext,
  SetOptions,
} from './caching/get-or-set.options.js';
export { CacheInterceptor } from './http/cache.interceptor.js';
export { HttpExchange } from './http/http-exchange.js';
export { CacheInvalidationFilter } from './http/cache-invalidation.filter.js';
export {
  ResponseStoragePolicy,
  type ResponseFacts,
  type StorageDecision,
} from './http/response-storage.policy.js';
export {
  buildRequestKey,
  normalisePath,
  normaliseQuery,
  HTTP_KEY_PREFIX,
  type RequestKeyParts,
} from './http/request-key.js';
export type { CachedHttpResponse } from './http/cached-response.js';
export {
  defaultUserResolver,
  type HttpCacheOptions,
  type CacheUserResolver,
} from './http/http-cache.options.js';
export { Cacheable } from './decorators/cacheable.decorator.js';
export { CacheEvict } from './decorators/cache-evict.decorator.js';
export { CachePut } from './decorators/cache-put.decorator.js';
export { NoCache } from './decorators/no-cache.decorator.js';
export {
  CacheMetadataAccessor,
  type CacheMethodMetadata,
} from './decorators/cache-metadata.accessor.js';
export { CacheMethodExplorer, METHOD_KEY_PREFIX } from './decorators/cache-method.explorer.js';
export type {
  CacheableOptions,
  CacheEvictOptions,
  CachePutOptions,
  CacheScope,
  CacheArgsFn,
  HttpCacheContext,
} from './decorators/cache-decorator.options.js';
