import { Inject, Injectable, Optional } from '@nestjs/common';
// Types only: this module does not load @nestjs/throttler, so the cache module runs without it.
import type { ThrottlerStorage } from '@nestjs/throttler';
import { RateLimiterService } from './rate-limiter.service.js';
import type { RateLimitHit } from './rate-limit.types.js';

/** `@nestjs/throttler`'s `ThrottlerStorageRecord` (its package index does not export the type). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Injection token of {@link RedisThrottlerStorageOptions} (optional). */
export const REDIS_THROTTLER_STORAGE_OPTIONS = 'CACHE:REDIS_THROTTLER_STORAGE_OPTIONS';

/** Options of {@link RedisThrottlerStorage}. */
export interface RedisThrottlerStorageOptions {
  /**
   * Let `increment` reject with `RateLimitUnavailableError` when Redis cannot decide, instead of
   * deciding with the per-process fallback. Default: the module's `patterns.rateLimitFailClosed`
   * (false). `ThrottlerGuard` does not catch it: map it with an exception filter (Nest answers 500
   * otherwise).
   */
  failClosed?: boolean;
  /**
   * The limit the per-process fallback applies while Redis is down, as a share of each
   * throttler's `limit` (rounded down, at least 1). Default 1: every process admits the whole
   * limit on its own, so N processes admit up to N × limit in a window.
   */
  fallbackLimitRatio?: number;
}

/**
 * A decision of {@link RedisThrottlerStorage.increment}: what `ThrottlerGuard` reads, and where
 * the decision came from. Times are in seconds, rounded up, as `@nestjs/throttler`'s own storage
 * gives them (the guard sends `timeToBlockExpire` as `Retry-After`).
 */
export interface RedisThrottlerStorageRecord extends ThrottlerStorageRecord {
  /**
   * Requests the window holds, this one included when admitted; plus this one when it is
   * refused (so `totalHits > limit` whenever the window is full).
   */
  totalHits: number;
  /** Seconds until one more slot frees (the oldest admitted request leaves the window). */
  timeToExpire: number;
  /** Whether this request is refused (the window is full, or the key is blocked). */
  isBlocked: boolean;
  /** Seconds until a refused request may be admitted (at least 1); 0 when it is admitted. */
  timeToBlockExpire: number;
  /** `redis` when Redis decided for every process, `fallback` when this process decided alone. */
  source: 'redis' | 'fallback';
  /** When the decision was made, in epoch ms, by the decider's clock (Redis's or this process's). */
  decidedAtMs: number;
}

/**
 * A `ThrottlerStorage` for `@nestjs/throttler` 6 on this module's sliding window
 * ({@link RateLimiterService.hit}): `@Throttle()` limits are shared by every process through
 * Redis, with the limiter's bounds and fault handling.
 *
 * - Each throttler's `ttl` is the sliding window and `limit` the most requests admitted in any
 *   window; a refused request is not counted. `blockDuration` (ms; the guard's default is `ttl`)
 *   blocks the key once the window refuses a request: every request is refused until it ends
 *   (and until the window has room). `blockDuration: 0` refuses only while the window is full.
 * - State lives on the state Redis (`stateConnection`), under
 *   `<keyPrefix>:ratelimit:{throttler:<name>:<key>}` and `…:block`, never in the cache's subspace.
 * - Every decision is bounded by `patterns.rateLimitDecisionTimeoutMs`: when Redis is down, hung
 *   or slow, the per-process fallback window decides (fail-open) and `increment` never hangs nor
 *   rejects, unless it fails closed (option `failClosed`, or the module's
 *   `patterns.rateLimitFailClosed`).
 *
 * Provided by `CacheModule`: `ThrottlerModule.forRootAsync({ inject: [RedisThrottlerStorage],
 * useFactory: (storage) => ({ throttlers: [...], storage }) })`. This file only imports types from
 * `@nestjs/throttler`, which stays an optional dependency of the cache module.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly failClosed: boolean | undefined;
  private readonly fallbackLimitRatio: number;

  /**
   * @param limiter the module's rate limiter.
   * @param options see {@link RedisThrottlerStorageOptions}; injected from
   *   {@link REDIS_THROTTLER_STORAGE_OPTIONS} when provided.
   * @throws RangeError when `fallbackLimitRatio` is not a number above 0 and at most 1.
   */
  constructor(
    private readonly limiter: RateLimiterService,
    @Optional() @Inject(REDIS_THROTTLER_STORAGE_OPTIONS) options?: RedisThrottlerStorageOptions,
  ) {
    this.failClosed = options?.failClosed;
    this.fallbackLimitRatio = options?.fallbackLimitRatio ?? 1;
    if (!(this.fallbackLimitRatio > 0 && this.fallbackLimitRatio <= 1)) {
      throw new RangeError('fallbackLimitRatio must be above 0 and at most 1');
    }
  }

  /**
   * Counts one request of `key` for throttler `throttlerName` and decides it.
   *
   * @param key the guard's key (a hash of the route and the tracker by default).
   * @param ttl the sliding window, in ms.
   * @param limit most requests admitted in any window.
   * @param blockDuration how long a refusal blocks the key, in ms (0: no block).
   * @param throttlerName the throttler's name (`default` when unnamed).
   * @throws RateLimitUnavailableError when Redis cannot decide and the storage fails closed.
   * @throws RangeError when `ttl`, `limit` or `blockDuration` is not a usable number.
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<RedisThrottlerStorageRecord> {
    const windowMs = Math.ceil(ttl);
    const blockMs = Math.max(0, Math.ceil(blockDuration));
    const options: { failClosed?: boolean; fallbackLimit: number } = {
      fallbackLimit: Math.max(1, Math.floor(limit * this.fallbackLimitRatio)),
    };
    if (this.failClosed !== undefined) options.failClosed = this.failClosed;
    const hit = await this.limiter.hit(
      `throttler:${throttlerName}:${key}`,
      { limit, windowMs, blockMs },
      options,
    );
    const now = hit.decidedAtMs;
    const timeToExpire = secondsUntil(hit.resetAt, now);
    return {
      totalHits: hit.allowed ? hit.count : hit.count + 1,
      timeToExpire,
      isBlocked: !hit.allowed,
      timeToBlockExpire: hit.allowed ? 0 : Math.max(1, secondsUntil(retryAtMs(hit), now)),
      source: hit.source,
      decidedAtMs: now,
    };
  }
}

/**
 * When a refused request may be admitted, in epoch ms: when its block ends, and when a full
 * window frees a slot, whichever is later.
 */
function retryAtMs(hit: RateLimitHit): number {
  const windowFreesAtMs = hit.remaining === 0 ? hit.resetAt : 0;
  return Math.max(hit.blockedUntilMs, windowFreesAtMs, hit.decidedAtMs);
}

/** Whole seconds from `nowMs` to `atMs`, rounded up; 0 when it has passed. */
function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}
