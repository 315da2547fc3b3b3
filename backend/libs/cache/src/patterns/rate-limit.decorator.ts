import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { RATE_LIMIT_METADATA } from './patterns.constants.js';
import { RateLimitGuard } from './rate-limit.guard.js';

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

/**
 * Limits a route (or every route of a controller) with a sliding window shared by every
 * process: `@RateLimit({ limit: 10, windowSeconds: 60 })`. Over the limit the route answers
 * 429 with `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `Retry-After`.
 * Options on a method win over those on its class.
 */
export function RateLimit(options: RateLimitOptions): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(RATE_LIMIT_METADATA, options), UseGuards(RateLimitGuard));
}
