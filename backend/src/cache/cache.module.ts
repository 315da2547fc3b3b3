import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurableCacheModule } from './cache.module-definition.js';
import { cacheExports, cacheProviders } from './cache.providers.js';

/**
 * The Redis caching layer: `CacheModule.forRoot({ connection, keyPrefix })` or
 * `CacheModule.forRootAsync({ useFactory, inject })`. Global: import it once, in the root module.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: cacheProviders,
  exports: cacheExports,
})
export class CacheModule extends ConfigurableCacheModule {}
