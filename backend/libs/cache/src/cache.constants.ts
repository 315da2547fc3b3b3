/** Injection token of the resolved `CacheModuleOptions`. */
export const CACHE_MODULE_OPTIONS = 'CACHE:MODULE_OPTIONS';

/** Injection token of the `CacheServiceOptions` (defaults of every `getOrSet`). */
export const CACHE_SERVICE_OPTIONS = 'CACHE:SERVICE_OPTIONS';

/** Injection token of the `HttpCacheOptions` used by `CacheInterceptor`. */
export const HTTP_CACHE_OPTIONS = 'CACHE:HTTP_OPTIONS';

/** Metadata key of `@Cacheable`. */
export const CACHEABLE_METADATA = 'CACHE:CACHEABLE';

/** Metadata key of `@CacheEvict`. */
export const CACHE_EVICT_METADATA = 'CACHE:EVICT';

/** Metadata key of `@CachePut`. */
export const CACHE_PUT_METADATA = 'CACHE:PUT';

/** Metadata key of `@NoCache`. */
export const NO_CACHE_METADATA = 'CACHE:NO_CACHE';
