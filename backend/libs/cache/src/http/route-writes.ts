import { ServiceUnavailableException, type CallHandler } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import type { CacheService } from '../caching/cache.service.js';
import type { SetOptions } from '../caching/get-or-set.options.js';
import type { HttpCacheContext } from '../decorators/cache-decorator.options.js';
import type { CacheMethodMetadata } from '../decorators/cache-metadata.accessor.js';
import { runDecoratedCall } from '../decorators/cache-flow.js';
import { CacheInvalidationError } from '../errors/index.js';
import type { HttpExchange } from './http-exchange.js';
import { HTTP_KEY_PREFIX } from './request-key.js';

/** Stores a `@CachePut` result as a GET response: the body, and the decorator's key if any. */
export type PutResponse = (
  body: unknown,
  key: string | undefined,
  options: SetOptions,
) => Promise<void>;

/**
 * Runs a write route, then its `@CacheEvict` / `@CachePut` when it succeeded (status below 400),
 * through the one decorated flow services use too. An invalidation that cannot reach Redis
 * answers 503: the change is made, but the route must not report it as done while other
 * processes may still serve the old response (it is retried in the background).
 */
export async function runRouteWrites(
  cache: CacheService,
  meta: CacheMethodMetadata,
  exchange: HttpExchange,
  context: HttpCacheContext,
  next: CallHandler,
  put: PutResponse,
): Promise<unknown> {
  try {
    return await runDecoratedCall(cache, meta, {
      args: [context],
      allEntriesPrefix: `${HTTP_KEY_PREFIX}:`,
      invoke: () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      succeeded: () => exchange.status < 400,
      put,
    });
  } catch (error) {
    if (error instanceof CacheInvalidationError) {
      throw new ServiceUnavailableException(
        'The change was applied, but the cache could not be updated; retry shortly',
        { cause: error },
      );
    }
    throw error;
  }
}
