/** A lock this process holds. */
export interface LockHandle {
  /** The logical lock name. */
  readonly key: string;
  /** The holder's random token: only it can release or extend the lock. */
  readonly token: string;
  /**
   * Monotonic number drawn with this acquisition: a later holder always has a larger one.
   * Pass it to the protected resource, which refuses writes carrying a smaller token than one
   * it has already seen.
   */
  readonly fencingToken: number;
  /** TTL the lock was taken with, in ms. */
  readonly ttlMs: number;
}

/** Options of `LockService.acquire` and `withLock`. */
export interface AcquireLockOptions {
  /** How long to keep trying while the lock is held by someone else, in ms. Default 0 (once). */
  waitMs?: number;
  /** Pause between two attempts while waiting, in ms. Default 50 (with jitter). */
  retryDelayMs?: number;
}

/** What `withLock` answers. */
export type WithLockResult<T> =
  { acquired: false } | { acquired: true; value: T; fencingToken: number };
