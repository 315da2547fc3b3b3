/** Stable machine-readable codes of the module's errors. */
export type CacheErrorCode =
  | 'REDIS_UNAVAILABLE'
  | 'REDIS_TIMEOUT'
  | 'REDIS_NOT_READY'
  | 'REDIS_LATE_WRITE'
  | 'REDIS_COMMAND'
  | 'INVALID_KEY'
  | 'INVALID_OPTIONS'
  | 'SESSION_STORE_UNAVAILABLE'
  | 'RATE_LIMIT_UNAVAILABLE'
  | 'LOCK_LOST'
  | 'INVALIDATION_FAILED'
  | 'UNCACHEABLE_OBSERVABLE'
  | 'PUBSUB_LIMIT';

/**
 * Base class of every error the cache module raises. Callers branch on `instanceof` or on
 * `code`, never on the message text.
 */
export abstract class CacheError extends Error {
  /** A stable code, safe to branch on and to put in metrics labels. */
  abstract readonly code: CacheErrorCode;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
