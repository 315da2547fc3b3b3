export { PATTERN_PROVIDERS } from './patterns.providers.js';
export { RATE_LIMIT_METADATA } from './patterns.constants.js';
export {
  resolvePatternsOptions,
  type PatternsOptions,
  type ResolvedPatternsOptions,
} from './patterns.options.js';
export { SessionService } from './session.service.js';
export type { Session, SessionWriteOptions } from './session.types.js';
export { RateLimiterService, type RateLimiterStats } from './rate-limiter.service.js';
export type {
  RateLimitResult,
  RateLimitCheckOptions,
  RateLimitHit,
  RateLimitWindow,
  RateLimitOptions,
  RateLimitRequest,
} from './rate-limit.types.js';
export { FallbackRateLimiter, type FallbackHit } from './fallback-rate-limiter.js';
export { RateLimit } from './rate-limit.decorator.js';
export { RateLimitGuard } from './rate-limit.guard.js';
export { LockService } from './lock.service.js';
export type { LockHandle, AcquireLockOptions, WithLockResult } from './lock.types.js';
export { PubSubService } from './pub-sub.service.js';
export {
  defineChannel,
  type Channel,
  type MessageHandler,
  type PubSubStats,
} from './pub-sub.types.js';
export { CounterService, type CounterOptions } from './counter.service.js';
export { CacheWarmerService } from './cache-warmer.service.js';
export type { WarmJob, WarmOptions, WarmReport } from './cache-warmer.types.js';
