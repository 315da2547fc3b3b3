import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { CACHE_EVICT_METADATA } from '../cache.constants.js';
import { CacheInterceptor } from '../http/cache.interceptor.js';
import type { CacheEvictOptions } from './cache-decorator.options.js';

/**
 * Deletes cache entries (by key, by tag, or all of the class's) after the method succeeds, or
 * before it runs with `beforeInvocation`. Works on controller routes and service methods.
 */
export function CacheEvict(options: CacheEvictOptions): MethodDecorator {
  return applyDecorators(
    SetMetadata(CACHE_EVICT_METADATA, options),
    UseInterceptors(CacheInterceptor),
  );
}
