import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/** Redis did not answer within the command timeout. A write that timed out never lands later. */
export class RedisTimeoutError extends CacheError {
  readonly code = 'REDIS_TIMEOUT' as const;

  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(CacheErrorMessages.timeout(operation, timeoutMs));
  }
}
