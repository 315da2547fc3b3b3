import type { CacheModuleOptions } from 'nestjs-coherent-cache';
import type { AppConfig } from './config/index.js';

/** Maps the application's configuration to the cache module's options. */
export function cacheModuleOptions(config: AppConfig): CacheModuleOptions {
  const options: CacheModuleOptions = {
    connection: config.redis.connection,
    keyPrefix: config.cache.keyPrefix,
    enabled: config.cache.enabled,
    commandTimeoutMs: config.redis.commandTimeoutMs,
    defaultTtlSeconds: config.cache.defaultTtlSeconds,
  };
  if (config.redis.stateConnection) options.stateConnection = config.redis.stateConnection;
  return options;
}
