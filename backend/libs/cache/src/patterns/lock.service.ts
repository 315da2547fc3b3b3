import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RedisService } from '../connection/redis.service.js';
import { StateRedis } from '../connection/state-redis.js';
import { LockLostError } from '../errors/index.js';
import { ACQUIRE_LOCK_SCRIPT, EXTEND_LOCK_SCRIPT, RELEASE_LOCK_SCRIPT } from './lock.scripts.js';
import type { AcquireLockOptions, LockHandle, WithLockResult } from './lock.types.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Distributed locks on one Redis: `SET NX PX` with a random token, release and extension only by
 * the holder (Lua), and a monotonic fencing token per acquisition. A lock is a lease: it can be
 * lost (expiry, a Redis restart), so work that must never overlap also checks the fencing token
 * at the resource it protects.
 */
@Injectable()
export class LockService {
  private readonly redis: RedisService;

  constructor(state: StateRedis) {
    this.redis = state.redis;
  }

  /**
   * Tries to take `key` for `ttlMs`. Answers `null` ("not acquired") when someone else holds it
   * (after waiting up to `waitMs`), and also when Redis cannot answer: within the command timeout
   * during an outage, never later.
   */
  async acquire(
    key: string,
    ttlMs: number,
    options: AcquireLockOptions = {},
  ): Promise<LockHandle | null> {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0)
      throw new RangeError('ttlMs must be a positive whole number');
    const waitUntil = Date.now() + (options.waitMs ?? 0);
    const retryDelayMs = options.retryDelayMs ?? 50;
    for (;;) {
      const token = randomBytes(16).toString('base64url');
      let fencingToken: number;
      try {
        fencingToken = Number(
          await this.redis.execute({ operation: 'lock.acquire', key }, (client) =>
            ACQUIRE_LOCK_SCRIPT.run(client, this.keys(key), [
              token,
              ttlMs,
              this.redis.deadlineMs(),
            ]),
          ),
        );
      } catch {
        return null;
      }
      if (fencingToken > 0) return { key, token, fencingToken, ttlMs };
      if (Date.now() + retryDelayMs > waitUntil) return null;
      await sleep(retryDelayMs / 2 + Math.random() * retryDelayMs);
    }
  }

  /**
   * Deletes the lock if `handle` still holds it. A token that is not the holder's deletes
   * nothing. Returns whether the lock was deleted; `false` also when Redis cannot answer (the
   * lock then expires by itself).
   */
  async release(handle: Pick<LockHandle, 'key' | 'token'>): Promise<boolean> {
    try {
      const reply = await this.redis.execute(
        { operation: 'lock.release', key: handle.key },
        (client) => RELEASE_LOCK_SCRIPT.run(client, [this.lockKey(handle.key)], [handle.token]),
      );
      return Number(reply) === 1;
    } catch {
      return false;
    }
  }

  /**
   * Sets the lock's TTL to `ttlMs` (default the TTL it was taken with) if `handle` still holds
   * it. Returns `false` when the lock is lost (expired or held by another token).
   *
   * @throws RedisUnavailableError, RedisTimeoutError, RedisCommandError when Redis cannot answer:
   *   the caller cannot tell whether the lock is still held.
   */
  async extend(handle: LockHandle, ttlMs: number = handle.ttlMs): Promise<boolean> {
    const reply = await this.redis.execute(
      { operation: 'lock.extend', key: handle.key },
      (client) => EXTEND_LOCK_SCRIPT.run(client, [this.lockKey(handle.key)], [handle.token, ttlMs]),
    );
    return Number(reply) === 1;
  }

  /**
   * Runs `fn` while holding `key`: takes the lock (or answers `{ acquired: false }`), extends it
   * every third of `ttlMs` while `fn` runs, and releases it in `finally`. When the lock is lost
   * (an extension finds another holder, or no extension succeeds before the lease runs out),
   * `signal` is aborted with a `LockLostError`: `fn` must stop touching the protected resource.
   * `fn`'s own error is rethrown after the release.
   */
  async withLock<T>(
    key: string,
    ttlMs: number,
    fn: (signal: AbortSignal, lock: LockHandle) => Promise<T>,
    options: AcquireLockOptions = {},
  ): Promise<WithLockResult<T>> {
    const handle = await this.acquire(key, ttlMs, options);
    if (!handle) return { acquired: false };
    const controller = new AbortController();
    const keeper = this.keepAlive(handle, controller);
    try {
      const value = await fn(controller.signal, handle);
      return { acquired: true, value, fencingToken: handle.fencingToken };
    } finally {
      keeper.stop();
      // Token-guarded: a lost lock now held by another holder is left alone.
      await this.release(handle);
    }
  }

  /** The lock's Redis key and its fencing counter's, in one hash slot. */
  protected keys(key: string): [string, string] {
    return [this.lockKey(key), this.redis.namespace.toRedisKey(`lock:{${key}}:fence`)];
  }

  private lockKey(key: string): string {
    return this.redis.namespace.toRedisKey(`lock:{${key}}`);
  }

  /** Extends the lock every `ttlMs / 3` until stopped; aborts `controller` when it is lost. */
  private keepAlive(handle: LockHandle, controller: AbortController): { stop: () => void } {
    const intervalMs = Math.max(1, Math.floor(handle.ttlMs / 3));
    // The lease as this process must assume it: counted from before the acquisition was sent
    // would be safer still, but the acquisition's round trip is bounded by the command timeout.
    let leaseEndsAt = Date.now() + handle.ttlMs;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const lose = (cause?: unknown) => {
      if (!controller.signal.aborted) controller.abort(new LockLostError(handle.key, cause));
    };
    const tick = async () => {
      if (stopped) return;
      const sentAt = Date.now();
      try {
        if (await this.extend(handle)) leaseEndsAt = sentAt + handle.ttlMs;
        else return lose();
      } catch (error) {
        if (Date.now() + intervalMs >= leaseEndsAt) return lose(error);
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    timer = setTimeout(() => void tick(), intervalMs);
    const deadline = setInterval(() => {
      if (Date.now() >= leaseEndsAt) lose();
    }, intervalMs);
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        clearInterval(deadline);
      },
    };
  }
}
