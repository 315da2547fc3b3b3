import type { CacheClock } from '../caching/cache-clock.js';

/**
 * A clock that moves only when a test moves it: the cache's TTL, grace, stale windows, failure
 * backoff and load deadlines follow it (`CacheTestingModule` gives it to the cache), so a test
 * expires an entry with `advance(61_000)` instead of waiting a minute.
 *
 * Time is in epoch milliseconds and never goes back. Get the module's clock with
 * `moduleRef.get(TestCacheClock)` or `cacheClockOf(moduleRef)`.
 */
export class TestCacheClock implements CacheClock {
  private nowMs: number;

  /** Starts at `startMs` (epoch milliseconds, above 0). Default: the real time now. */
  constructor(startMs: number = Date.now()) {
    this.nowMs = checkedEpochMs(startMs);
  }

  /** The clock's time, in epoch milliseconds. */
  now(): number {
    return this.nowMs;
  }

  /**
   * Moves the clock forward by `ms` milliseconds (0 or more); returns the new time. Entries whose
   * life ended are misses from the next read on.
   *
   * @throws RangeError for a negative or non-finite `ms`
   */
  advance(ms: number): number {
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(`advance(ms): ms must be a finite number, 0 or more (got ${ms})`);
    }
    this.nowMs += ms;
    return this.nowMs;
  }

  /**
   * Sets the clock to `epochMs`, which must not be earlier than its time now.
   *
   * @throws RangeError when `epochMs` is not a finite number above 0, or is in the clock's past
   */
  set(epochMs: number): void {
    const target = checkedEpochMs(epochMs);
    if (target < this.nowMs) {
      throw new RangeError(
        `set(epochMs): the clock never goes back (now ${this.nowMs}, asked ${target})`,
      );
    }
    this.nowMs = target;
  }
}

function checkedEpochMs(value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`an epoch time in milliseconds above 0 was expected (got ${value})`);
  }
  return value;
}
