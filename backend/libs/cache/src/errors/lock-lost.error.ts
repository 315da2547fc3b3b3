import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * The reason of the `AbortSignal` that `withLock` gives its function when the lock is lost:
 * another holder may now be inside the critical section, so the function should stop.
 */
export class LockLostError extends CacheError {
  readonly code = 'LOCK_LOST' as const;

  constructor(
    readonly key: string,
    cause?: unknown,
  ) {
    super(CacheErrorMessages.lockLost(key), { cause });
  }
}
