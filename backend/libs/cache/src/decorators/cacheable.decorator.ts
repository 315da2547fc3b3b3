import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { CACHEABLE_METADATA } from '../cache.constants.js';
import { CacheInterceptor } from '../http/cache.interceptor.js';
import type { CacheableOptions } from './cache-decorator.options.js';

/**
 * Caches the result of a controller route (through `CacheInterceptor`, which it applies) or of a
 * method of any injectable service (wrapped at startup). `@Cacheable(60)` is
 * `@Cacheable({ ttlSeconds: 60 })`. On a class, it applies to every route of the controller;
 * method options override class options.
 */
export function Cacheable(
  ttlSecondsOrOptions: number | CacheableOptions = {},
): MethodDecorator & ClassDecorator {
  const options =
    typeof ttlSecondsOrOptions === 'number'
      ? { ttlSeconds: ttlSecondsOrOptions }
      : ttlSecondsOrOptions;
  return applyDecorators(
    SetMetadata(CACHEABLE_METADATA, options),
    UseInterceptors(CacheInterceptor),
  );
}
