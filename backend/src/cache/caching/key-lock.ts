import { randomUUID } from 'node:crypto';
import type { RedisService } from '../connection/redis.service.js';
import { scripts } from './cache-scripts.js';

/** Logical-key prefix of per-key locks. */
export const LOCK_KEY_PREFIX = '__lock:';

/**
 * `acquired`: this caller holds the lock. `busy`: another holds it. `failed`: Redis failed, and
 * the lock may or may not have been taken with `token` (a reply that came too late).
 */
export type LockOutcome =
  { state: 'acquired'; token: string } | { state: 'busy' } | { state: 'failed'; token?: string };

/**
 * A per-key lock across processes: `SET lock token NX PX ttl`, released only by the holder of
 * the token (a compare-and-delete script), and expiring on its own if the holder dies.
 */
export class KeyLock {
  constructor(
    private readonly redis: RedisService,
    private readonly ttlMs: number,
  ) {}

  /** Tries once to take the lock of `key`. Never throws. */
  async acquire(key: string): Promise<LockOutcome> {
    const lockKey = this.lockKey(key);
    const token = randomUUID();
    try {
      const reply = await this.redis.execute({ operation: 'cache.lock', key }, (c) =>
        c.set(lockKey, token, 'PX', this.ttlMs, 'NX'),
      );
      return reply === 'OK' ? { state: 'acquired', token } : { state: 'busy' };
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

  private lockKey(key: string): string {
    return this.redis.namespace.toRedisKey(`${LOCK_KEY_PREFIX}${key}`);
  }
}
