import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisService } from '../connection/redis.service.js';
import { RateLimitUnavailableError } from '../errors/index.js';
import { FallbackRateLimiter } from './fallback-rate-limiter.js';
import { resolvePatternsOptions, type ResolvedPatternsOptions } from './patterns.options.js';
import type { RateLimitCheckOptions, RateLimitResult } from './rate-limit.types.js';
import { SLIDING_WINDOW_SCRIPT } from './sliding-window.script.js';

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

  constructor(private readonly redis: RedisService) {
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
    try {
      const result = await this.decideInRedis(key, limit, windowMs);
      this.stats.redisDecisions += 1;
      if (!result.allowed) this.stats.rejected += 1;
      return result;
    } catch (error) {
      if (options.failClosed ?? this.options.rateLimitFailClosed) {
        this.stats.failedClosed += 1;
        throw new RateLimitUnavailableError(key, error);
      }
      const fallbackLimit = options.fallbackLimit ?? limit;
      const local = this.fallback.check(key, fallbackLimit, windowMs);
      this.stats.fallbackDecisions += 1;
      if (!local.allowed) this.stats.rejected += 1;
      return { ...local, limit: fallbackLimit, source: 'fallback' };
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

  private async decideInRedis(
    key: string,
    limit: number,
    windowMs: number,
  ): Promise<RateLimitResult> {
    const timeoutMs = this.options.rateLimitDecisionTimeoutMs;
    const redisKey = this.redisKey(key);
    const member = randomBytes(8).toString('base64url');
    const deadlineMs = this.redis.deadlineMs(timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const decision = this.redis.execute({ operation: 'rateLimit.check', key }, (client) =>
      SLIDING_WINDOW_SCRIPT.run(client, [redisKey], [limit, windowMs, member, deadlineMs]),
    );
    try {
      const reply = await Promise.race([
        decision,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('rate-limit decision timed out')), timeoutMs);
        }),
      ]);
      return parseReply(reply, limit);
    } catch (error) {
      decision.catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseReply(reply: unknown, limit: number): RateLimitResult {
  if (!Array.isArray(reply) || reply.length < 4) throw new Error('unexpected rate-limit reply');
  const [allowed, remaining, resetAtMs] = reply.map(Number) as [number, number, number];
  if (allowed === -1) throw new Error('rate-limit decision arrived after its deadline');
  return { allowed: allowed === 1, remaining, resetAt: resetAtMs, limit, source: 'redis' };
}
