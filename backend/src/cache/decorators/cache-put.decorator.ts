import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { CACHE_PUT_METADATA } from '../cache.constants.js';
import { CacheInterceptor } from '../http/cache.interceptor.js';
import type { CachePutOptions } from './cache-decorator.options.js';

/**
 * Always runs the method and stores its result under `key` (with `tags`), so that readers of
 * that key see the new value at once. Works on controller routes and service methods.
 */
export function CachePut(options: CachePutOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(CACHE_PUT_METADATA, options),
    UseInterceptors(CacheInterceptor),
  );
}
