import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
import { RedisHealthIndicator } from 'nestjs-coherent-cache/health';
import { InjectAppConfig, type AppConfig } from '../config/index.js';
import { QueueService } from '../queue/index.js';
import { ShutdownState } from './shutdown-state.service.js';

/** Deadline of each readiness check, in milliseconds. */
const CHECK_TIMEOUT_MS = 500;

/** A readiness answer: Terminus's format and whether it means "send me traffic". */
export interface Readiness {
  ready: boolean;
  result: HealthCheckResult;
}

/**
 * Decides readiness. Redis is optional unless `REDIS_REQUIRED=true`: a cache outage shows as
 * `down` in the details and the answer stays ready (status `degraded`), because failing
 * readiness on a cache outage would take every pod out of the service at once. During shutdown
 * the answer is not ready (`shutting_down`).
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly indicator: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly moduleRef: ModuleRef,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  async check(): Promise<Readiness> {
    const required = this.config.redis.required;
    const [redis, queues] = await Promise.all([
      this.indicator.isHealthy('redis', { timeoutMs: CHECK_TIMEOUT_MS }),
      this.queueCounts(),
    ]);
    const results = [mark(redis, required), ...(queues ? [mark(queues, required)] : [])];
    const info: HealthIndicatorResult = {};
    const error: HealthIndicatorResult = {};
    let requiredDown = false;
    let optionalDown = false;
    for (const result of results) {
      for (const [key, value] of Object.entries(result)) {
        const down = value.status === 'down';
        (down ? error : info)[key] = value;
        if (down && value.required === true) requiredDown = true;
        if (down && value.required !== true) optionalDown = true;
      }
    }
    const details = { ...info, ...error };
    let status: HealthCheckResult['status'] = optionalDown ? 'degraded' : 'ok';
    if (requiredDown) status = 'error';
    if (this.shutdown.isShuttingDown) status = 'shutting_down';
    return {
      ready: status === 'ok' || status === 'degraded',
      result: { status, info, error, details },
    };
  }

  private async queueCounts(): Promise<HealthIndicatorResult | null> {
    let queues: QueueService;
    try {
      queues = this.moduleRef.get(QueueService, { strict: false });
    } catch {
      return null;
    }
    try {
      const counts = await queues.getCounts(CHECK_TIMEOUT_MS);
      return { queues: { status: 'up', ...counts } };
    } catch (cause) {
      return { queues: { status: 'down', message: (cause as Error).message } };
    }
  }
}

function mark(result: HealthIndicatorResult, required: boolean): HealthIndicatorResult {
  return Object.fromEntries(
    Object.entries(result).map(([key, value]) => [key, { ...value, required }]),
  );
}
