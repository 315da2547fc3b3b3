import type { CacheServiceOptions } from './caching/cache-service.options.js';
import {
  resolveRedisServiceOptions,
  type RedisServiceOptions,
  type ResolvedRedisServiceOptions,
} from './connection/redis-service.options.js';
import type { RedisConnectionOptions } from './connection/redis-connection.options.js';
import type { HttpCacheOptions } from './http/http-cache.options.js';

/** Options of `CacheModule.forRoot` / `forRootAsync`. Everything the module needs comes from here. */
export interface CacheModuleOptions extends RedisServiceOptions {
  /** Defaults of `CacheService` (jitter, lock, stale windows, size cap). */
  caching?: CacheServiceOptions;
  /** Rules of `CacheInterceptor` (user resolver, `X-Cache` header). */
  http?: HttpCacheOptions;
}

/** Options with every default applied (pattern options are resolved by the patterns). */
export type ResolvedCacheModuleOptions = ResolvedRedisServiceOptions & {
  caching: CacheServiceOptions;
  http: HttpCacheOptions;
};

/** Resolved options of a module that talks to Redis. */
export type ConnectedCacheModuleOptions = ResolvedCacheModuleOptions & {
  connection: RedisConnectionOptions;
};

/** Applies defaults and checks ranges. Throws `InvalidCacheOptionsError` naming the field. */
export function resolveCacheModuleOptions(
  options: CacheModuleOptions = {},
): ResolvedCacheModuleOptions {
  const resolved = resolveRedisServiceOptions(options);
  return { ...resolved, caching: options.caching ?? {}, http: options.http ?? {} };
}
