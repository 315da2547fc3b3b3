import { Controller, Get, Module, type DynamicModule, type Type } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  TerminusModule,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { RedisHealthIndicator, type RedisHealthCheckOptions } from './redis-health.indicator.js';

/** Options of {@link RedisHealthModule.forRoot}. */
export interface RedisHealthModuleOptions {
  /**
   * Route of a health endpoint that checks the cache's Redis (Terminus format: 200 when up, 503
   * when down). Default `health`; `false` registers no route (inject the indicator instead).
   */
  path?: string | false;
  /** Key of the Redis entry in the report. Default `redis`. */
  key?: string;
  /** Deadline of the probe's PING, in milliseconds. Default 500. */
  timeoutMs?: number;
}

/**
 * Opt-in health checks for the cache's Redis, on `@nestjs/terminus`. `forRoot()` serves
 * `GET /health`; `forRoot({ path: false })` only provides {@link RedisHealthIndicator} for an
 * application's own health controller. Import it beside `CacheModule`.
 */
@Module({})
export class RedisHealthModule {
  static forRoot(options: RedisHealthModuleOptions = {}): DynamicModule {
    const path = options.path ?? 'health';
    const key = options.key ?? 'redis';
    const check: RedisHealthCheckOptions =
      options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    return {
      module: RedisHealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: path === false ? [] : [redisHealthController(path, key, check)],
      providers: [RedisHealthIndicator],
      exports: [RedisHealthIndicator],
    };
  }
}

/** A controller at `path` whose GET runs the Redis check. */
function redisHealthController(
  path: string,
  key: string,
  check: RedisHealthCheckOptions,
): Type<unknown> {
  @Controller(path)
  class RedisHealthController {
    constructor(
      private readonly health: HealthCheckService,
      private readonly redis: RedisHealthIndicator,
    ) {}

    @Get()
    @HealthCheck()
    probe(): Promise<HealthCheckResult> {
      return this.health.check([() => this.redis.isHealthy(key, check)]);
    }
  }
  return RedisHealthController;
}
