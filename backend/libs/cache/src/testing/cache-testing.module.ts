import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import { cacheExports, cacheProviders } from '../cache.providers.js';
import { toCacheModuleOptions, type CacheTestingModuleOptions } from './cache-testing.options.js';
import { TestCacheClock } from './test-cache.clock.js';

/**
 * `CacheModule` for unit tests, without Redis: import `CacheTestingModule.forRoot()` in
 * `Test.createTestingModule` instead of `CacheModule.forRoot(...)`. It provides the same
 * injectables (`CacheService`, `RedisService` in memory mode, `CacheInterceptor`, the pattern
 * services), so services and `@Cacheable` / `@CacheEvict` methods work unchanged, on the
 * in-process store with the semantics of Redis (TTL, grace, tags, prefixes, single-flight).
 * It never opens a socket.
 *
 * Entries live on a {@link TestCacheClock} (`moduleRef.get(TestCacheClock)`): moving it expires
 * them without waiting. Call `await moduleRef.init()` (or `app.init()`) before the first call:
 * decorated methods are wrapped when the module initialises.
 */
@Global()
@Module({})
export class CacheTestingModule {
  /** Registers the module (global); every option has a default. */
  static forRoot(options: CacheTestingModuleOptions = {}): DynamicModule {
    return {
      module: CacheTestingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: TestCacheClock, useFactory: () => options.clock ?? new TestCacheClock() },
        {
          provide: CACHE_MODULE_OPTIONS,
          inject: [TestCacheClock],
          useFactory: (clock: TestCacheClock) => toCacheModuleOptions(options, clock),
        },
        ...cacheProviders,
      ],
      exports: [TestCacheClock, ...cacheExports],
    };
  }
}
