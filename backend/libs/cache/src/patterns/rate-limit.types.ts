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

/** The limit of one `RateLimiterService.hit`. */
export interface RateLimitWindow {
  /** Most requests admitted in any window; a positive whole number. */
  limit: number;
  /** Length of the sliding window, in ms; a positive whole number. */
  windowMs: number;
  /**
   * How long a request the window refuses blocks the key, in ms: every request is refused, and
   * none counted, until it ends. 0: no block (a slot frees as soon as the oldest request leaves
   * the window).
   */
  blockMs: number;
}

/** A decision of `RateLimiterService.hit`: the sliding window's, with its block. */
export interface RateLimitHit extends RateLimitResult {
  /** Requests the window holds, this one included when it was admitted. */
  count: number;
  /** When the block that refused this request ends, in epoch ms; 0 when no block did. */
  blockedUntilMs: number;
  /** When the decision was made, in epoch ms, by the decider's clock (Redis's or this process's). */
  decidedAtMs: number;
}

/** What the key function of a rate limit sees of the request (Express and Fastify alike). */
export interface RateLimitRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
}

/** Options of `@RateLimit`. */
export interface RateLimitOptions {
  /** Requests admitted in any window. */
  limit: number;
  /** Length of the sliding window, in seconds. */
  windowSeconds: number;
  /**
   * Which requests share a budget. A string names a bucket that each client IP has once
   * (`<key>:<ip>`); a function returns the whole key (for example a user id from a header).
   * Default: the handler (`<Controller>.<method>`) per client IP.
   */
  key?: string | ((request: RateLimitRequest) => string);
  /** Refuse with 503 instead of failing open when Redis cannot decide. Default the module's. */
  failClosed?: boolean;
  /** Per-process limit while Redis is down (fail-open). Default `limit`. */
  fallbackLimit?: number;
}
