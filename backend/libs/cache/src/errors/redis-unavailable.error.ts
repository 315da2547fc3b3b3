import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/** The command was not sent: the circuit breaker is open or the connection is not ready. */
export class RedisUnavailableError extends CacheError {
  readonly code = 'REDIS_UNAVAILABLE' as const;

  constructor(
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    super(CacheErrorMessages.unavailable(operation), options);
  }
}
