import type { RedisService } from '../connection/redis.service.js';
import { isFresh } from './cache-entry.js';
import type { ResolvedCacheServiceOptions } from './cache-service.options.js';
import type { KeyLock, LockOutcome } from './key-lock.js';
import type { CacheEntryStore } from './redis-entry.store.js';

/**
 * What one load produced. `confirmedAtMs` (this process's `performance.now()`) is when the
 * command that proved the value current was sent: the write that stored it with its versions
 * unchanged, or the read that found it in Redis. A caller that started by then may take the
 * value; one that started later, or any caller when it is `null`, may not (an invalidation may
 * have returned in between). `cacheable: false` means the value must not be shared at all.
 * `inRedis` tells whether the value is now stored in Redis for other processes to read.
 */
export interface LoadOutcome {
  value: unknown;
  confirmedAtMs: number | null;
  cacheable: boolean;
  inRedis: boolean;
}

type WaitResult =
  { found: true; value: unknown; readAtMs: number } | { found: false; lock: LockOutcome };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes N processes run a key's loader once: the process that takes the per-key lock loads; the
 * others poll for its value (10 ms, doubling up to 100 ms) for at most `lockWaitMs`, then load
 * themselves. A holder whose result is not stored (not cacheable, a null result, an outdated
 * value, a failed write) leaves a pass marker instead of a free lock,
 * so the waiters load at once rather than one after another. When Redis is unreachable every
 * caller loads at once.
 */
export class CrossProcessLoad {
  constructor(
    private readonly redis: RedisService,
    private readonly store: CacheEntryStore,
    private readonly lock: KeyLock,
    private readonly options: ResolvedCacheServiceOptions,
  ) {}

  /**
   * Runs `loadAndStore` under the lock of `key`, or returns the value the holder stored. With
   * `waitForHolder: false` (a background refresh) a busy lock means nothing to do (`null`).
   */
  async run(
    key: string,
    loadAndStore: () => Promise<LoadOutcome>,
    { useLock, waitForHolder }: { useLock: boolean; waitForHolder: boolean },
  ): Promise<LoadOutcome | null> {
    if (!useLock || !this.redis.isAvailable) return loadAndStore();
    let lock = await this.lock.acquire(key);
    if (lock.state === 'failed' && this.redis.isAvailable) lock = await this.lock.settle(key, lock);
    // A lock call that failed while Redis is still reachable (a slow reply) may hide a holder:
    // wait as for a busy lock, but only for about one command timeout, since the failure may
    // as well be a shard that is down. Only an unreachable Redis sends every caller to its
    // loader at once.
    if (this.mayBeHeld(lock)) {
      if (!waitForHolder) return null;
      const waitMs =
        lock.state === 'busy'
          ? this.options.lockWaitMs
          : Math.min(this.options.lockWaitMs, this.redis.settings.commandTimeoutMs);
      const waited = await this.waitForHolder(key, waitMs);
      if (waited.found) {
        return {
          value: waited.value,
          confirmedAtMs: waited.readAtMs,
          cacheable: true,
          inRedis: true,
        };
      }
      lock = waited.lock;
    }
    if (lock.state !== 'acquired') return loadAndStore();
    let outcome: LoadOutcome | undefined;
    try {
      outcome = await loadAndStore();
      return outcome;
    } finally {
      // Waiters that would find nothing in Redis load at once rather than one after another.
      if (outcome?.inRedis === true) await this.lock.release(key, lock.token);
      else await this.lock.pass(key, lock.token, this.options.uncacheablePassMs);
    }
  }

  private mayBeHeld(lock: LockOutcome): boolean {
    return lock.state === 'busy' || (lock.state === 'failed' && this.redis.isAvailable);
  }

  /**
   * Polls for the lock holder's value. Takes the lock itself when the holder let go without
   * storing (it died, or its value was outdated), loads at once on a pass marker, and gives up
   * after `waitMs` or at the second lock call that fails.
   */
  private async waitForHolder(key: string, waitMs: number): Promise<WaitResult> {
    const deadline = Date.now() + waitMs;
    let pauseMs = this.options.lockPollIntervalMs;
    while (Date.now() < deadline) {
      await sleep(Math.min(pauseMs, Math.max(1, deadline - Date.now())));
      pauseMs = Math.min(pauseMs * 2, 100);
      const readAtMs = performance.now();
      const found = await this.store.lookup(key);
      if (!found.failed && found.entry && isFresh(found.entry, this.options.clock.now())) {
        return { found: true, value: found.entry.value, readAtMs };
      }
      if (!this.redis.isAvailable) return { found: false, lock: { state: 'failed' } };
      let lock = await this.lock.acquire(key);
      if (lock.state === 'failed') lock = await this.lock.settle(key, lock);
      if (lock.state === 'busy') continue;
      return { found: false, lock };
    }
    return { found: false, lock: { state: 'failed' } };
  }
}
