import type { RedisService } from '../connection/redis.service.js';
import { isFresh } from './cache-entry.js';
import type { ResolvedCacheServiceOptions } from './cache-service.options.js';
import type { KeyLock, LockOutcome } from './key-lock.js';
import type { CacheEntryStore } from './redis-entry.store.js';

/** What one load produced; `shareable` is `false` when concurrent callers must load themselves. */
export interface LoadOutcome {
  value: unknown;
  shareable: boolean;
}

type WaitResult = { found: true; value: unknown } | { found: false; lock: LockOutcome };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes N processes run a key's loader once: the process that takes the per-key lock loads; the
 * others poll for its value (10 ms, doubling up to 100 ms) for at most `lockWaitMs`, then load
 * themselves. When Redis is unreachable every caller loads at once.
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
   * `waitForHolder: false` (a background refresh) a busy lock means nothing to do.
   */
  async run(
    key: string,
    loadAndStore: () => Promise<LoadOutcome>,
    { useLock, waitForHolder }: { useLock: boolean; waitForHolder: boolean },
  ): Promise<LoadOutcome> {
    if (!useLock || !this.redis.isAvailable) return loadAndStore();
    let lock = await this.lock.acquire(key);
    if (lock.state === 'failed' && this.redis.isAvailable) lock = await this.lock.settle(key, lock);
    // A lock call that failed while Redis is still reachable (a slow reply) may hide a holder:
    // wait as for a busy lock, but only for about one command timeout, since the failure may
    // as well be a shard that is down. Only an unreachable Redis sends every caller to its
    // loader at once.
    if (this.mayBeHeld(lock)) {
      if (!waitForHolder) return { value: undefined, shareable: false };
      const waitMs =
        lock.state === 'busy'
          ? this.options.lockWaitMs
          : Math.min(this.options.lockWaitMs, this.redis.settings.commandTimeoutMs);
      const waited = await this.waitForHolder(key, waitMs);
      if (waited.found) return { value: waited.value, shareable: true };
      lock = waited.lock;
    } else if (lock.state === 'acquired') {
      // Another process (or an earlier load here) may have stored the value since our read.
      const stored = await this.store.read(key);
      if (stored && isFresh(stored, Date.now())) {
        await this.lock.release(key, lock.token);
        return { value: stored.value, shareable: true };
      }
    }
    if (lock.state !== 'acquired') return loadAndStore();
    try {
      return await loadAndStore();
    } finally {
      await this.lock.release(key, lock.token);
    }
  }

  private mayBeHeld(lock: LockOutcome): boolean {
    return lock.state === 'busy' || (lock.state === 'failed' && this.redis.isAvailable);
  }

  /**
   * Polls for the lock holder's value. Takes the lock itself when the holder let go without
   * storing (its value was not cacheable, or it died), and gives up after `waitMs` or at the
   * second lock call that fails.
   */
  private async waitForHolder(key: string, waitMs: number): Promise<WaitResult> {
    const deadline = Date.now() + waitMs;
    let pauseMs = this.options.lockPollIntervalMs;
    while (Date.now() < deadline) {
      await sleep(Math.min(pauseMs, Math.max(1, deadline - Date.now())));
      pauseMs = Math.min(pauseMs * 2, 100);
      const entry = await this.store.read(key);
      if (entry && isFresh(entry, Date.now())) return { found: true, value: entry.value };
      if (!this.redis.isAvailable) return { found: false, lock: { state: 'failed' } };
      let lock = await this.lock.acquire(key);
      if (lock.state === 'failed') lock = await this.lock.settle(key, lock);
      if (lock.state === 'busy') continue;
      // A second failed lock call: Redis cannot settle who loads; stop waiting.
      if (lock.state === 'failed') return { found: false, lock };
      if (lock.state === 'acquired') {
        // The holder may have stored its value between our read and our lock.
        const again = await this.store.read(key);
        if (again && isFresh(again, Date.now())) {
          await this.lock.release(key, lock.token);
          return { found: true, value: again.value };
        }
      }
      return { found: false, lock };
    }
    return { found: false, lock: { state: 'failed' } };
  }
}
