/** A rate-limit decision (the shape `checkRateLimit` callers expect). */
export interface RateLimitResult {
  /** Whether this request is admitted. */
  allowed: boolean;
  /** Requests still admitted in the current window after this one. */
  remaining: number;
  /** When one more request will be admitted, in epoch milliseconds. */
  resetAt: number;
  /** The limit the decision was made against. */
  limit: number;
  /**
   * `redis` when Redis decided for every process; `fallback` when Redis could not answer and
   * this process's own limiter decided (fail-open).
   */
  source: 'redis' | 'fallback';
}

/** Options of one rate-limit check. */
export interface RateLimitCheckOptions {
  /**
   * Refuse (throw `RateLimitUnavailableError`) instead of using the per-process fallback when
   * Redis cannot decide. Default: the module's `patterns.rateLimitFailClosed` (false).
   */
  failClosed?: boolean;
  /** The limit the per-process fallback applies when Redis is down. Default `limit`. */
  fallbackLimit?: number;
}
