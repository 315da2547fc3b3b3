import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheModuleOptions } from './cache-module.options.js';
import { CACHE_MODULE_OPTIONS } from './cache.constants.js';

/** Builds `forRoot` / `forRootAsync` for `CacheModule`. */
export const {
  ConfigurableModuleClass: ConfigurableCacheModule,
  OPTIONS_TYPE: CACHE_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CACHE_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CacheModuleOptions>({
  optionsInjectionToken: CACHE_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .build();
