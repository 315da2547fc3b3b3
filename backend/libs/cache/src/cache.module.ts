import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { CacheModuleOptions } from './cache-module.options.js';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurableCacheModule } from './cache.module-definition.js';
import { cacheExports, cacheProviders } from './cache.providers.js';

/**
 * The Redis caching layer: `CacheModule.forRoot({ connection, keyPrefix })` (with no options:
 * memory-only, key prefix `app`) or `CacheModule.forRootAsync({ imports, inject, useFactory })`
 * (or `useClass` / `useExisting`). Global: import it once, in the root module.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: cacheProviders,
  exports: cacheExports,
})
export class CacheModule extends ConfigurableCacheModule {
  /** Registers the module; every option has a default (no `connection`: memory-only). */
  static override forRoot(options: CacheModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }
}
