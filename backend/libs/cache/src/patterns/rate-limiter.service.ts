import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RedisClient } from '../connection/redis-client.factory.js';
import type { RedisService } from '../connection/redis.service.js';
import { StateRedis } from '../connection/state-redis.js';
import { RateLimitUnavailableError } from '../errors/index.js';
import { FallbackRateLimiter } from './fallback-rate-limiter.js';
import { resolvePatternsOptions, type ResolvedPatternsOptions } from './patterns.options.js';
import type {
  RateLimitCheckOptions,
  RateLimitHit,
  RateLimitResult,
  RateLimitWindow,
} from './rate-limit.types.js';
import { BLOCKING_SLIDING_WINDOW_SCRIPT, SLIDING_WINDOW_SCRIPT } from './sliding-window.script.js';

/** Counters of the rate limiter since start. */
export interface RateLimiterStats {
  /** Decisions Redis made. */
  redisDecisions: number;
  /** Decisions the per-process fallback made because Redis could not answer. */
  fallbackDecisions: number;
  /** Checks refused because Redis could not answer and the check failed closed. */
  failedClosed: number;
  /** Requests refused (by Redis or by the fallback). */
  rejected: number;
}

/**
 * Sliding-window rate limiting shared by every process through Redis, decided atomically by one
 * Lua script (see `sliding-window.script.ts`). When Redis cannot answer within the decision
 * timeout, it fails open to a per-process limiter, or fails closed when asked to.
 */
@Injectable()
export class RateLimiterService {
  private readonly options: ResolvedPatternsOptions;
  private readonly fallback: FallbackRateLimiter;
  private readonly stats: RateLimiterStats = {
    redisDecisions: 0,
    fallbackDecisions: 0,
    failedClosed: 0,
    rejected: 0,
  };

  private readonly redis: RedisService;

  constructor(state: StateRedis) {
    const redis = state.redis;
    this.redis = redis;
    this.options = resolvePatternsOptions(redis.settings.patterns, redis.settings.commandTimeoutMs);
    this.fallback = new FallbackRateLimiter(this.options.rateLimitFallbackMaxKeys);
  }

  /**
   * Counts one request against `key` and decides whether it is admitted: at most `limit`
   * requests in any `windowSeconds`-long window, across every process. Answers within the
   * decision timeout (`patterns.rateLimitDecisionTimeoutMs`) whatever Redis does.
   *
   * @throws RateLimitUnavailableError when Redis cannot decide and the check fails closed.
   */
  async check(
    key: string,
    limit: number,
    windowSeconds: number,
    options: RateLimitCheckOptions = {},
  ): Promise<RateLimitResult> {
    if (!Number.isInteger(limit) || limit <= 0)
      throw new RangeError('limit must be a positive whole number');
    if (!(windowSeconds > 0)) throw new RangeError('windowSeconds must be a positive number');
    const windowMs = Math.max(1, Math.round(windowSeconds * 1000));
    return this.decide(
      key,
      options,
      () => this.decideInRedis(key, limit, windowMs),
      (fallbackLimit) => ({
        ...this.fallback.check(key, fallbackLimit, windowMs),
        limit: fallbackLimit,
        source: 'fallback',
      }),
      limit,
    );
  }

  /**
   * Counts one request against `key` in a sliding window with a block (see
   * {@link RateLimitWindow}): the decision `@nestjs/throttler` asks of a storage. The same
   * bounds as {@link RateLimiterService.check}: decided by one script on Redis within the decision
   * timeout, else by the per-process fallback (fail-open), or refused when the check fails
   * closed. Its keys are its own: a key checked here and with `check()` has two windows.
   *
   * @throws RangeError when the window is malformed.
   * @throws RateLimitUnavailableError when Redis cannot decide and the check fails closed.
   */
  async hit(
    key: string,
    window: RateLimitWindow,
    options: RateLimitCheckOptions = {},
  ): Promise<RateLimitHit> {
    const { limit, windowMs, blockMs } = window;
    if (!Number.isInteger(limit) || limit <= 0)
      throw new RangeError('limit must be a positive whole number');
    if (!Number.isInteger(windowMs) || windowMs <= 0)
      throw new RangeError('windowMs must be a positive whole number');
    if (!Number.isInteger(blockMs) || blockMs < 0)
      throw new RangeError('blockMs must be a whole number, 0 or more');
    return this.decide(
      key,
      options,
      () => this.hitInRedis(key, window),
      (fallbackLimit) => {
        const decidedAtMs = Date.now();
        const local = this.fallback.hit(
          `hit:${key}`,
          fallbackLimit,
          windowMs,
          blockMs,
          decidedAtMs,
        );
        return {
          allowed: local.allowed,
          remaining: local.remaining,
          resetAt: local.resetAt,
          limit: fallbackLimit,
          source: 'fallback',
          count: local.count,
          blockedUntilMs: local.blockedUntilMs,
          decidedAtMs,
        };
      },
      limit,
    );
  }

  /**
   * One decision: by Redis, counted; when Redis fails, refused if the check fails closed, else
   * made by the per-process fallback at `options.fallbackLimit` (default `limit`), counted.
   *
   * @throws RateLimitUnavailableError when Redis cannot decide and the check fails closed.
   */
  private async decide<R extends { allowed: boolean }>(
    key: string,
    options: RateLimitCheckOptions,
    inRedis: () => Promise<R>,
    inFallback: (fallbackLimit: number) => R,
    limit: number,
  ): Promise<R> {
    try {
      const result = await inRedis();
      this.stats.redisDecisions += 1;
      if (!result.allowed) this.stats.rejected += 1;
      return result;
    } catch (error) {
      if (options.failClosed ?? this.options.rateLimitFailClosed) {
        this.stats.failedClosed += 1;
        throw new RateLimitUnavailableError(key, error);
      }
      const local = inFallback(options.fallbackLimit ?? limit);
      this.stats.fallbackDecisions += 1;
      if (!local.allowed) this.stats.rejected += 1;
      return local;
    }
  }

  /** Counters since start. */
  getStats(): RateLimiterStats {
    return { ...this.stats };
  }

  /** The Redis key of a limit's window; override to change the layout. */
  protected redisKey(key: string): string {
    return this.redis.namespace.toRedisKey(`ratelimit:${key}`);
  }

  /**
   * The Redis keys of a {@link RateLimiterService.hit} window and its block, in one hash slot;
   * override to change the layout.
   */
  protected blockingRedisKeys(key: string): [windowKey: string, blockKey: string] {
    return [
      this.redis.namespace.toRedisKey(`ratelimit:{${key}}`),
      this.redis.namespace.toRedisKey(`ratelimit:{${key}}:block`),
    ];
  }

  private async hitInRedis(key: string, window: RateLimitWindow): Promise<RateLimitHit> {
    const keys = this.blockingRedisKeys(key);
    const reply = await this.bounded(key, 'rateLimit.hit', (client, member, deadlineMs) =>
      BLOCKING_SLIDING_WINDOW_SCRIPT.run(client, keys, [
        window.limit,
        window.windowMs,
        member,
        deadlineMs,
        window.blockMs,
      ]),
    );
    if (!Array.isArray(reply) || reply.length < 6) throw new Error('unexpected rate-limit reply');
    const [allowed, remaining, resetAtMs, nowMs, count, blockedUntilMs] = reply.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (allowed === -1) throw new Error('rate-limit decision arrived after its deadline');
    return {
      allowed: allowed === 1,
      remaining,
      resetAt: resetAtMs,
      limit: window.limit,
      source: 'redis',
      count,
      blockedUntilMs,
      decidedAtMs: nowMs,
    };
  }

  /**
   * Runs one decision on Redis within the decision timeout: the script gets a unique member
   * and the server-clock deadline past which it must not count the request.
   */
  private async bounded(
    key: string,
    operation: string,
    run: (client: RedisClient, member: string, deadlineMs: number) => Promise<unknown>,
  ): Promise<unknown> {
    const timeoutMs = this.options.rateLimitDecisionTimeoutMs;
    const member = randomBytes(8).toString('base64url');
    const deadlineMs = this.redis.deadlineMs(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const decision = this.redis.execute({ operation, key }, (client) =>
      run(client, member, deadlineMs),
    );
    try {
      return await Promise.race([
        decision,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('rate-limit decision timed out')), timeoutMs);
        }),
      ]);
    } catch (error) {
      decision.catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async decideInRedis(
    key: string,
    limit: number,
    windowMs: number,
  ): Promise<RateLimitResult> {
    const redisKey = this.redisKey(key);
    const reply = await this.bounded(key, 'rateLimit.check', (client, member, deadlineMs) =>
      SLIDING_WINDOW_SCRIPT.run(client, [redisKey], [limit, windowMs, member, deadlineMs]),
    );
    return parseReply(reply, limit);
  }
}

function parseReply(reply: unknown, limit: number): RateLimitResult {
  if (!Array.isArray(reply) || reply.length < 4) throw new Error('unexpected rate-limit reply');
  const [allowed, remaining, resetAtMs] = reply.map(Number) as [number, number, number];
  if (allowed === -1) throw new Error('rate-limit decision arrived after its deadline');
  return { allowed: allowed === 1, remaining, resetAt: resetAtMs, limit, source: 'redis' };
}
