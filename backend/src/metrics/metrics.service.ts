import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { CacheService, RedisService } from 'nestjs-coherent-cache';
import { QueueService } from '../queue/index.js';
import { registerCacheCounters } from './cache-counters.collector.js';
import { registerLoaderDurations } from './cache-loader.collector.js';
import { cacheStatsFromRedis } from './cache-stats.source.js';
import { registerQueueMetrics } from './queue.collectors.js';
import { registerRedisMetrics } from './redis.collectors.js';

/**
 * Owns this application's Prometheus registry (not prom-client's global one, so that two
 * applications in one process never collide). Every value except the latency histogram is read
 * from the services' own counters at scrape time.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly stopObserving: () => void;
  private readonly observeLoader = registerLoaderDurations(this.registry);
  private stopObservingLoads: () => void = () => undefined;

  constructor(
    redis: RedisService,
    private readonly moduleRef: ModuleRef,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // Per cache name or route: CacheService's counters (`getStats()`), or RedisService's alone.
    // Looked up at scrape time: providers may not be built yet when this one is.
    const fromRedis = cacheStatsFromRedis(redis);
    registerCacheCounters(this.registry, () => {
      const cache = optional(moduleRef, CacheService);
      return cache ? cache.getStats() : fromRedis();
    });
    this.stopObserving = registerRedisMetrics(this.registry, redis);
    registerQueueMetrics(this.registry, () => optional(moduleRef, QueueService));
  }

  /** The exposition text, in Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Loader durations are observed once every provider is built. */
  onApplicationBootstrap(): void {
    const cache = optional(this.moduleRef, CacheService);
    if (cache) this.stopObservingLoads = cache.observeLoads(this.observeLoader);
  }

  onModuleDestroy(): void {
    this.stopObserving();
    this.stopObservingLoads();
  }
}

function optional<T>(moduleRef: ModuleRef, type: abstract new (...args: never[]) => T): T | null {
  try {
    return moduleRef.get(type, { strict: false });
  } catch {
    return null;
  }
}
