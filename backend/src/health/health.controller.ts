import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { NoCache } from 'nestjs-coherent-cache';
import { RedisHealthIndicator } from 'nestjs-coherent-cache/health';
import { ReadinessService } from './readiness.service.js';

/**
 * - `GET /health`: Terminus's format; Redis `up` or `down` (`up` with `configured: false` when
 *   the backend runs memory-only) and the memory tier; 503 when Redis is down or during shutdown.
 * - `GET /health/live`: never touches Redis; 200 while the process can serve HTTP.
 * - `GET /health/ready`: 200 when traffic may be sent (Redis optional unless
 *   `REDIS_REQUIRED=true`, queue counts in the details); 503 during shutdown.
 */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('health')
export class HealthController {
  private readonly startedAtMs = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly readiness: ReadinessService,
  ) {}

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.redis.isHealthy('redis'),
      () => this.redis.memoryTier('memoryTier'),
    ]);
  }

  @Get('live')
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  live(): HealthCheckResult {
    const uptimeSeconds = Math.round((Date.now() - this.startedAtMs) / 1000);
    const info = { process: { status: 'up' as const, uptimeSeconds } };
    return { status: 'ok', info, error: {}, details: info };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  async ready(): Promise<HealthCheckResult> {
    const { ready, result } = await this.readiness.check();
    if (!ready) throw new ServiceUnavailableException(result);
    return result;
  }
}
