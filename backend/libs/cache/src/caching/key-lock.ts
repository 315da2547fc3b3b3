import { randomUUID } from 'node:crypto';
import type { RedisService } from '../connection/redis.service.js';
import type { CacheKeyspace } from './cache-keyspace.js';
import { scripts } from './cache-scripts.js';

/** What a lock holds after its holder's result was not stored: waiters load at once. */
const PASS_MARKER = '__pass';

/**
 * `acquired`: this caller holds the lock. `busy`: another holds it. `pass`: the last holder's
 * result was not stored, so callers load without waiting. `failed`: Redis failed, and the lock
 * may or may not have been taken with `token` (a reply that came too late).
 */
export type LockOutcome =
  | { state: 'acquired'; token: string }
  | { state: 'busy' }
  | { state: 'pass' }
  | { state: 'failed'; token?: string };

/**
 * A per-key lock across processes: `SET lock token NX PX ttl`, released only by the holder of
 * the token (a compare-and-delete script), and expiring on its own if the holder dies.
 */
export class KeyLock {
  constructor(
    private readonly redis: RedisService,
    private readonly keyspace: CacheKeyspace,
    private readonly ttlMs: number,
  ) {}

  /** Tries once to take the lock of `key`. Never throws. */
  async acquire(key: string): Promise<LockOutcome> {
    const lockKey = this.lockKey(key);
    const token = randomUUID();
    try {
      const holder = await this.redis.execute({ operation: 'cache.lock', key }, (c) =>
        scripts(c).cacheLockAcquire(lockKey, token, this.ttlMs),
      );
      if (holder === null) return { state: 'acquired', token };
      return holder === PASS_MARKER ? { state: 'pass' } : { state: 'busy' };
    } catch {
      return { state: 'failed', token };
    }
  }

  /**
   * Settles a failed acquisition: a slow reply may hide that the lock was taken after all. Reads
   * the lock once: our token means `acquired`, another token `busy`, no lock a fresh attempt.
   * Never throws.
   */
  async settle(key: string, failed: LockOutcome & { state: 'failed' }): Promise<LockOutcome> {
    if (failed.token === undefined) return failed;
    const lockKey = this.lockKey(key);
    try {
      const holder = await this.redis.execute({ operation: 'cache.lock', key }, (c) =>
        c.get(lockKey),
      );
      if (holder === failed.token) return { state: 'acquired', token: failed.token };
      if (holder === PASS_MARKER) return { state: 'pass' };
      if (holder !== null) return { state: 'busy' };
    } catch {
      return { state: 'failed' };
    }
    return this.acquire(key);
  }

  /** Releases the lock if `token` still holds it. Never throws. */
  async release(key: string, token: string): Promise<void> {
    const lockKey = this.lockKey(key);
    try {
      await this.redis.execute({ operation: 'cache.unlock', key }, (c) =>
        scripts(c).cacheLockRelease(lockKey, token),
      );
    } catch {
      // The lock expires on its own after its TTL.
    }
  }

  /**
   * Lets go of the lock saying that the result was not stored: for `passMs` other callers load at
   * once instead of waiting their turn. Never throws.
   */
  async pass(key: string, token: string, passMs: number): Promise<void> {
    const lockKey = this.lockKey(key);
    try {
      await this.redis.execute({ operation: 'cache.unlock', key }, (c) =>
        scripts(c).cacheLockPass(lockKey, token, PASS_MARKER, passMs),
      );
    } catch {
      // The lock expires on its own; waiters then take it one at a time.
    }
  }

  private lockKey(key: string): string {
    return this.keyspace.lock(key);
  }
}
