import { Injectable, Optional } from '@nestjs/common';
import { CacheService } from '../caching/cache.service.js';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { RedisService } from '../connection/redis.service.js';
import { luaCveWarning, parseRedisInfo, type RedisServerFacts } from './redis-server-info.js';

/** Options of {@link RedisHealthIndicator.isHealthy}. */
export interface RedisHealthCheckOptions {
  /** Deadline of the PING, in milliseconds. Default 500. */
  timeoutMs?: number;
}

/** Default deadline of the PING, in milliseconds. */
export const REDIS_HEALTH_TIMEOUT_MS = 500;

/** How long server facts read with INFO are reused, in milliseconds. */
const FACTS_MAX_AGE_MS = 60_000;

/**
 * Terminus indicator for the cache's Redis connection.
 *
 * A probe costs one PING, bounded by its own deadline: the server version and
 * `maxmemory-policy` come from an `INFO` read at most once a minute, in the background. It
 * never throws: a failure is reported as `down` with the reason.
 *
 * With no Redis configured (memory-only), `up` with `configured: false` and `mode: memory`.
 *
 * Reported fields: `latencyMs`, `mode` (standalone, sentinel, cluster), `version`,
 * `versionWarning` (Lua CVEs), `maxmemoryPolicy`, `breaker` (`closed` or `open`), `memoryTier`
 * (how the memory tier is kept coherent: `tracking`, `pubsub`, or `none` while its link is down).
 */
@Injectable()
export class RedisHealthIndicator {
  private facts: RedisServerFacts | null = null;
  private factsReadAtMs = 0;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisService,
    @Optional() private readonly cache?: CacheService,
  ) {}

  /** PINGs Redis within the deadline and reports `up` or `down` under `key`. */
  async isHealthy(
    key = 'redis',
    options: RedisHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const timeoutMs = options.timeoutMs ?? REDIS_HEALTH_TIMEOUT_MS;
    try {
      const stats = this.redis.getStats();
      if (stats.mode === 'memory') return indicator.up({ configured: false, mode: stats.mode });
      if (!stats.enabled) return indicator.up({ enabled: false, mode: stats.mode });
      const ping = await this.redis.healthCheck(timeoutMs);
      this.refreshFactsInBackground(ping.healthy);
      const details = {
        latencyMs: ping.latencyMs,
        mode: stats.mode,
        breaker: this.redis.getStats().breakerState,
        ...(this.cache ? { memoryTier: this.cache.memoryTier.mechanism } : {}),
        ...this.factDetails(),
      };
      if (ping.healthy) return indicator.up(details);
      return indicator.down({ ...details, message: ping.error ?? 'no answer' });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  /**
   * Reports the memory tier under `key`: always `up` (a tier that cannot be trusted is bypassed,
   * never wrong), with `enabled`, `mechanism` (`tracking`, `pubsub`, `none` while its link is
   * down, or `local` in memory-only mode), `entries` and `sizeBytes`.
   */
  memoryTier(key = 'memoryTier'): HealthIndicatorResult {
    const status = this.cache?.memoryTier;
    return this.health.check(key).up(status ? { ...status } : { enabled: false });
  }

  /** The last server facts read with INFO, or `null` before the first read. */
  get serverFacts(): RedisServerFacts | null {
    return this.facts;
  }

  /** Reads INFO now (bounded by the command timeout); a failure keeps the previous facts. */
  async refreshFacts(): Promise<void> {
    try {
      const text = await this.redis.execute({ operation: 'health.info' }, (client) =>
        client.info(),
      );
      this.facts = parseRedisInfo(text);
      this.factsReadAtMs = Date.now();
    } catch {
      // Facts stay as they were; the next probe tries again.
    }
  }

  private refreshFactsInBackground(reachable: boolean): void {
    const stale = Date.now() - this.factsReadAtMs > FACTS_MAX_AGE_MS;
    if (!reachable || this.refreshing || (this.facts && !stale)) return;
    this.refreshing = this.refreshFacts().finally(() => {
      this.refreshing = null;
    });
  }

  private factDetails(): Record<string, string> {
    if (!this.facts) return {};
    const details: Record<string, string> = {};
    if (this.facts.version !== undefined) details.version = this.facts.version;
    const warning = luaCveWarning(this.facts.version);
    if (warning) details.versionWarning = warning;
    if (this.facts.maxmemoryPolicy !== undefined) {
      details.maxmemoryPolicy = this.facts.maxmemoryPolicy;
    }
    return details;
  }
}
