import type { Provider } from '@nestjs/common';
import { CacheWarmerService } from './cache-warmer.service.js';
import { CounterService } from './counter.service.js';
import { LockService } from './lock.service.js';
import { PubSubService } from './pub-sub.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimiterService } from './rate-limiter.service.js';
import { SessionService } from './session.service.js';
import { RedisThrottlerStorage } from './throttler-storage.js';

/** The pattern services `CacheModule` provides and exports. */
export const PATTERN_PROVIDERS: Provider[] = [
  SessionService,
  RateLimiterService,
  RateLimitGuard,
  RedisThrottlerStorage,
  LockService,
  PubSubService,
  CounterService,
  CacheWarmerService,
];
