import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * An invalidation (`del`, `deleteByPrefix`, `invalidateTags`, `clear`, `@CacheEvict`,
 * `@CachePut`) that could not be applied in Redis within its retry budget. It is never dropped:
 * the process keeps retrying it in the background and, until it succeeds, does not read the
 * affected keys from Redis. Thrown so that the caller never reports a change as done while
 * other processes may still serve what it should have removed (an HTTP route answers 503).
 */
export class CacheInvalidationError extends CacheError {
  readonly code = 'INVALIDATION_FAILED' as const;

  constructor(
    /** What was invalidated, e.g. `del(product:5)` or `tags(products)`; never a value. */
    readonly invalidation: string,
    readonly retriedMs: number,
    cause?: unknown,
  ) {
    super(CacheErrorMessages.invalidationFailed(invalidation, retriedMs), { cause });
  }
}
