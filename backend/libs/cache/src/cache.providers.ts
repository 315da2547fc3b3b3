import type { Provider } from '@nestjs/common';
import {
  CACHE_MODULE_OPTIONS,
  CACHE_SERVICE_OPTIONS,
  HTTP_CACHE_OPTIONS,
} from './cache.constants.js';
import type { CacheModuleOptions } from './cache-module.options.js';
import { CacheService } from './caching/cache.service.js';
import { RedisService } from './connection/redis.service.js';
import { StateRedis } from './connection/state-redis.js';
import { CacheMetadataAccessor } from './decorators/cache-metadata.accessor.js';
import { CacheMethodExplorer } from './decorators/cache-method.explorer.js';
import { CacheInterceptor } from './http/cache.interceptor.js';
import { PATTERN_PROVIDERS } from './patterns/patterns.providers.js';

/** Everything `CacheModule` provides. */
export const cacheProviders: Provider[] = [
  RedisService,
  StateRedis,
  {
    provide: CACHE_SERVICE_OPTIONS,
    inject: [CACHE_MODULE_OPTIONS],
    useFactory: (options: CacheModuleOptions) => options.caching ?? {},
  },
  {
    provide: HTTP_CACHE_OPTIONS,
    inject: [CACHE_MODULE_OPTIONS],
    useFactory: (options: CacheModuleOptions) => options.http ?? {},
  },
  CacheService,
  CacheMetadataAccessor,
  CacheInterceptor,
  CacheMethodExplorer,
  ...PATTERN_PROVIDERS,
];

/** What `CacheModule` exports to the application. */
export const cacheExports = [
  RedisService,
  StateRedis,
  CacheService,
  CacheMetadataAccessor,
  CacheInterceptor,
  HTTP_CACHE_OPTIONS,
  CACHE_SERVICE_OPTIONS,
  ...PATTERN_PROVIDERS,
];
