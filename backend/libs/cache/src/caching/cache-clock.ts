/**
 * Where the caching layer reads the time at which it decides TTL, grace, stale windows, failure
 * backoff and load deadlines (`caching.clock`). Waiting (lock polls, invalidation retries, soft
 * timeouts) always uses real time.
 */
export interface CacheClock {
  /** The current time, in epoch milliseconds. */
  now(): number;
}

/**
 * The default clock: `Date.now()`, read at each call (so a `Date` replaced by fake timers is
 * followed, as before the clock existed).
 */
export const SYSTEM_CLOCK: CacheClock = Object.freeze({ now: () => Date.now() });
