import { Injectable } from '@nestjs/common';
import {
  CacheService,
  RedisService,
  type CacheNameStats,
  type RedisHealth,
  type RedisStats,
} from 'nestjs-coherent-cache';
import type { InvalidateRequest } from './cache-admin.schemas.js';

/** Counters of one name with its hit ratio (hits / (hits + misses), 0 when there were none). */
export type NameStatsWithRatio = CacheNameStats & { hitRatio: number };

/** The answer of `GET /cache/stats`. */
export interface CacheAdminStats {
  total: NameStatsWithRatio;
  byName: Record<string, NameStatsWithRatio>;
  redis: RedisStats;
}

/** The answer of `GET /cache/keys/:key`. */
export interface CacheKeyReport {
  key: string;
  exists: boolean;
  /** Remaining life in Redis, in seconds (`-1` none, `-2` missing). */
  ttlSeconds: number;
  sizeBytes: number;
  /** When the entry was written, and until when it is fresh (ISO 8601), for cache entries. */
  storedAt?: string;
  freshUntil?: string;
}

/** What the `/cache` endpoints do; every operation stays inside the module's namespace. */
@Injectable()
export class CacheAdminService {
  constructor(
    private readonly cache: CacheService,
    private readonly redis: RedisService,
  ) {}

  stats(): CacheAdminStats {
    const { total, byName } = this.cache.getStats();
    return {
      total: withRatio(total),
      byName: Object.fromEntries(Object.entries(byName).map(([n, s]) => [n, withRatio(s)])),
      redis: this.redis.getStats(),
    };
  }

  async invalidate(
    request: InvalidateRequest,
  ): Promise<{ keys: number; tags: number; prefix: number }> {
    const keys = request.keys?.length ? await this.cache.del(...request.keys) : 0;
    const tags = request.tags?.length ? await this.cache.invalidateTags(request.tags) : 0;
    const prefix =
      request.prefix === undefined ? 0 : await this.cache.deleteByPrefix(request.prefix);
    return { keys, tags, prefix };
  }

  /** Deletes every cache entry and the cache's bookkeeping; nothing else. */
  clear(): Promise<number> {
    return this.cache.clear();
  }

  async describe(key: string): Promise<CacheKeyReport> {
    const info = await this.cache.describe(key);
    const report: CacheKeyReport = {
      key,
      exists: info.exists,
      ttlSeconds: info.ttlMs < 0 ? info.ttlMs : Math.ceil(info.ttlMs / 1000),
      sizeBytes: info.sizeBytes,
    };
    if (info.exists) {
      const entry = await this.cache.getEntry(key);
      if (entry) {
        report.storedAt = new Date(entry.storedAtMs).toISOString();
        report.freshUntil = new Date(entry.freshUntilMs).toISOString();
      }
    }
    return report;
  }

  /** Up to `limit` cache keys (entries only) starting with `prefix`. */
  async listKeys(prefix: string, limit: number): Promise<{ keys: string[]; complete: boolean }> {
    const keys: string[] = [];
    const iterator = this.cache.keys(prefix);
    for (;;) {
      const step = await iterator.next();
      if (step.done) return { keys, complete: step.value.complete };
      keys.push(step.value);
      if (keys.length >= limit) {
        await iterator.return({ complete: false });
        return { keys, complete: false };
      }
    }
  }

  async health(): Promise<
    RedisHealth & { breakerState: RedisStats['breakerState']; mode: RedisStats['mode'] }
  > {
    const mode = this.redis.mode;
    // Memory-only: no Redis to ask, and the cache works without one.
    if (mode === 'memory') return { healthy: true, latencyMs: 0, breakerState: 'closed', mode };
    const health = await this.redis.healthCheck();
    return { ...health, breakerState: this.redis.getStats().breakerState, mode };
  }
}

function withRatio(stats: CacheNameStats): NameStatsWithRatio {
  const lookups = stats.hits + stats.misses;
  return { ...stats, hitRatio: lookups === 0 ? 0 : Math.round((stats.hits / lookups) * 1e4) / 1e4 };
}
