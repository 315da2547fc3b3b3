import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CacheService } from '../caching/cache.service.js';
import { isFresh } from '../caching/cache-entry.js';
import type { RedisService } from '../connection/redis.service.js';
import type { WarmJob, WarmOptions, WarmReport } from './cache-warmer.types.js';
import { resolvePatternsOptions } from './patterns.options.js';

const MAX_LISTED_FAILURES = 100;

/**
 * Fills the cache ahead of traffic: loads a list of keys with bounded concurrency and stores
 * them, on demand (`warm`) or when the application starts (`registerStartupJob`). Never throws
 * because Redis or a loader failed: the report says what happened.
 */
@Injectable()
export class CacheWarmerService implements OnApplicationBootstrap {
  private readonly logger = new Logger('CacheWarmerService');
  private readonly defaultConcurrency: number;
  private readonly startupJobs: WarmJob<unknown>[] = [];
  private startupRun: Promise<Map<string, WarmReport>> | null = null;

  private readonly redis: RedisService;

  constructor(private readonly cache: CacheService) {
    this.redis = cache.connection;
    this.defaultConcurrency = resolvePatternsOptions(
      this.redis.settings.patterns,
      this.redis.settings.commandTimeoutMs,
    ).warmConcurrency;
  }

  /**
   * Loads and stores each key not cached yet (all keys with `overwrite`), at most `concurrency`
   * at a time. Keys are cache keys, written through the same entry path as `CacheService.getOrSet`
   * (a warmed key is a hit there); a key written or invalidated while its value loads is not
   * overwritten with the value loaded before.
   */
  async warm<T>(
    keys: readonly string[],
    load: (key: string) => Promise<T | undefined>,
    options: WarmOptions = {},
  ): Promise<WarmReport> {
    const startedAt = performance.now();
    const concurrency = options.concurrency ?? this.defaultConcurrency;
    if (!Number.isInteger(concurrency) || concurrency <= 0) {
      throw new RangeError('concurrency must be a positive whole number');
    }
    const report: WarmReport = { warmed: 0, skipped: 0, failed: 0, failedKeys: [], durationMs: 0 };
    const fail = (key: string) => {
      report.failed += 1;
      if (report.failedKeys.length < MAX_LISTED_FAILURES) report.failedKeys.push(key);
    };
    const queue = [...new Set(keys)];
    const worker = async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        const outcome = await this.warmOne(key, load, options);
        if (outcome === 'failed') fail(key);
        else report[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    report.durationMs = Math.round(performance.now() - startedAt);
    return report;
  }

  /**
   * Registers a warming run that starts when the application has bootstrapped (it does not
   * delay startup; it waits up to the connect timeout for Redis, then runs, and keys it cannot
   * store are reported failed). Register before `app.init()`, e.g. from a module's constructor or
   * `onModuleInit`.
   */
  registerStartupJob<T>(job: WarmJob<T>): void {
    this.startupJobs.push(job);
  }

  /** The reports of the startup jobs, by job name, once they have all finished. */
  startupReports(): Promise<Map<string, WarmReport>> {
    return this.startupRun ?? Promise.resolve(new Map<string, WarmReport>());
  }

  onApplicationBootstrap(): void {
    if (this.startupJobs.length === 0) return;
    this.startupRun = this.runStartupJobs();
  }

  private async runStartupJobs(): Promise<Map<string, WarmReport>> {
    const reports = new Map<string, WarmReport>();
    // The connection is made in the background at boot: give it its connect timeout.
    const readyBy = Date.now() + this.redis.settings.connectTimeoutMs;
    while (!this.cache.isStoreAvailable && Date.now() < readyBy) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    for (const job of this.startupJobs) {
      try {
        const keys = typeof job.keys === 'function' ? await job.keys() : job.keys;
        const report = await this.warm(keys, job.load, job);
        reports.set(job.name, report);
        this.logger.log(
          `warmed ${job.name}: ${report.warmed} warmed, ${report.skipped} skipped, ${report.failed} failed in ${report.durationMs} ms`,
        );
      } catch (error) {
        this.logger.warn(`warming ${job.name} failed: ${(error as Error).message}`);
      }
    }
    return reports;
  }

  private async warmOne<T>(
    key: string,
    load: (key: string) => Promise<T | undefined>,
    options: WarmOptions,
  ): Promise<'warmed' | 'skipped' | 'failed'> {
    if (!this.cache.isStoreAvailable) return 'failed';
    if (!options.overwrite) {
      const entry = await this.cache.getEntry(key);
      if (entry && isFresh(entry, this.cache.settings.clock.now())) return 'skipped';
    }
    let skipped = false;
    const loader = async (): Promise<T | null> => {
      const value = await load(key);
      if (value === undefined) skipped = true;
      return value ?? null;
    };
    try {
      const refreshOptions =
        options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds };
      const { stored } = await this.cache.refresh(key, loader, {
        ...refreshOptions,
        name: 'warm',
        cacheIf: () => !skipped,
      });
      if (skipped) return 'skipped';
      return stored ? 'warmed' : 'failed';
    } catch {
      return 'failed';
    }
  }
}
