import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * A fail-closed rate limit could not be decided because Redis did not answer. The guard answers
 * 503 with `Retry-After`. The Redis error is the `cause`.
 */
export class RateLimitUnavailableError extends CacheError {
  readonly code = 'RATE_LIMIT_UNAVAILABLE' as const;

  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(CacheErrorMessages.rateLimitUnavailable(key), { cause });
  }
}
