import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { CACHE_PUT_METADATA } from '../cache.constants.js';
import { CacheInterceptor } from '../http/cache.interceptor.js';
import type { CachePutOptions } from './cache-decorator.options.js';

/**
 * Always runs the method and, when it succeeds, stores its result so that readers see the new
 * value at once, and loads of the old value in progress (in any process) are not stored.
 * On a service method the result is stored under `key` (required there). On a route it becomes
 * the cached response of `GET` on the same path (or on the GET's own `key`, when `key` is given).
 */
export function CachePut(options: CachePutOptions = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(CACHE_PUT_METADATA, options),
    UseInterceptors(CacheInterceptor),
  );
}
