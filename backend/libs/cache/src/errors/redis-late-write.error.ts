import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * Redis received a guarded write after its deadline (the caller had already timed out) and
 * refused to apply it.
 */
export class RedisLateWriteError extends CacheError {
  readonly code = 'REDIS_LATE_WRITE' as const;

  constructor(readonly operation: string) {
    super(CacheErrorMessages.lateWrite(operation));
  }
}
