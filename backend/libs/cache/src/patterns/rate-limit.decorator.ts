import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { RATE_LIMIT_METADATA } from './patterns.constants.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import type { RateLimitOptions } from './rate-limit.types.js';

/**
 * Limits a route (or every route of a controller) with a sliding window shared by every
 * process: `@RateLimit({ limit: 10, windowSeconds: 60 })`. Over the limit the route answers
 * 429 with `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `Retry-After`.
 * Options on a method win over those on its class.
 */
export function RateLimit(options: RateLimitOptions): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(RATE_LIMIT_METADATA, options), UseGuards(RateLimitGuard));
}
