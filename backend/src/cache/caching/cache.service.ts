import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CACHE_SERVICE_OPTIONS } from '../cache.constants.js';
import { RedisService } from '../connection/redis.service.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { encodeEntry, isFresh, isServableStale, type CacheEntry } from './cache-entry.js';
import {
  resolveCacheServiceOptions,
  type CacheServiceOptions,
  type ResolvedCacheServiceOptions,
} from './cache-service.options.js';
import { CacheCounters, DEFAULT_STATS_NAME, type CacheStats } from './cache-stats.js';
import type { GetOrSetOptions, SetOptions } from './get-or-set.options.js';
import { CrossProcessLoad, type LoadOutcome } from './cross-process-load.js';
import { KeyLock } from './key-lock.js';
import { RedisEntryStore, type CacheEntryStore } from './redis-entry.store.js';
import { SingleFlight } from './single-flight.js';

/** A key's metadata, as `describe` reports it. */
export interface CacheKeyInfo {
  exists: boolean;
  /** Remaining life in Redis, in milliseconds (`-1` none, `-2` missing or unknown). */
  ttlMs: number;
  /** Size of the stored text, in bytes. */
  sizeBytes: number;
}

/**
 * Caching semantics on top of `RedisService`: cache-aside with `getOrSet`, one loader call per
 * key across concurrent callers (in-process single-flight) and across processes (a per-key
 * lock), TTL jitter, stale-while-revalidate and grace, tags, a size cap and per-name counters.
 *
 * Redis failures never reach the caller: a read that fails is a miss, a write that fails is
 * dropped. Only the loader's own errors are thrown, and they are never cached.
 *
 * Outside Nest: `new CacheService(redisService, options)`.
 */
@Injectable()
export class CacheService {
  private readonly logger = new Logger('CacheService');
  private readonly log: RateLimitedLogger;
  private readonly options: ResolvedCacheServiceOptions;
  private readonly store: CacheEntryStore;
  private readonly crossProcess: CrossProcessLoad;
  private readonly flights = new SingleFlight<LoadOutcome>();
  private readonly counters = new CacheCounters();
  /** Bumped by every invalidation: a load that started before one does not store its value. */
  private invalidationEpoch = 0;

  constructor(
    private readonly redis: RedisService,
    @Optional() @Inject(CACHE_SERVICE_OPTIONS) options?: CacheServiceOptions,
  ) {
    this.options = resolveCacheServiceOptions(options ?? {});
    this.store = new RedisEntryStore(redis, this.options.maxTagMembers);
    this.crossProcess = new CrossProcessLoad(
      redis,
      this.store,
      new KeyLock(redis, this.options.lockTtlMs),
      this.options,
    );
    this.log = new RateLimitedLogger(this.logger, redis.settings.logIntervalMs);
  }

  /** The resolved defaults. */
  get settings(): Readonly<ResolvedCacheServiceOptions> {
    return this.options;
  }

  /**
   * Returns the cached value of `key`, or runs `loader`, stores its result and returns it.
   *
   * Concurrent misses on one key share one loader call in this process; across processes the
   * per-key lock makes one of them load while the others wait (at most `lockWaitMs`) for the
   * value. A stale entry is served while one caller refreshes it (`staleWhileRevalidateSeconds`)
   * or when the loader fails (`graceSeconds`). When the read itself fails (Redis, or the
   * Cluster shard of `key`, down or slow), the caller goes straight to the loader, without the
   * lock and without storing: a call waits for at most one command timeout.
   *
   * @throws whatever `loader` throws (when no stale value may be served instead)
   */
  async getOrSet<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T> = {},
  ): Promise<T> {
    const name = options.name ?? DEFAULT_STATS_NAME;
    const nowMs = Date.now();
    const found = await this.store.lookup<T>(key);
    if (found.failed) {
      this.counters.count(name, 'misses');
      return this.load(key, loader, options, 'local');
    }
    const entry = found.entry;
    if (entry && isFresh(entry, nowMs)) {
      this.counters.count(name, 'hits');
      return entry.value;
    }
    if (entry && isServableStale(entry, nowMs)) {
      const revalidateMs = this.windowMs(options.staleWhileRevalidateSeconds, 'swr');
      if (nowMs < entry.freshUntilMs + revalidateMs) {
        this.countStale(name);
        this.refreshInBackground(key, loader, options);
        return entry.value;
      }
      try {
        return await this.load(key, loader, options);
      } catch (error) {
        this.log.warn(`grace:${name}`, `loader for ${name} failed; serving a stale value`);
        this.logLoaderError(name, error);
        this.countStale(name);
        return entry.value;
      }
    }
    this.counters.count(name, 'misses');
    return this.load(key, loader, options);
  }

  /** The value at `key` while it is fresh or may be served stale; `null` otherwise. */
  async get<T>(key: string): Promise<T | null> {
    const entry = await this.store.read<T>(key);
    return entry && isServableStale(entry, Date.now()) ? entry.value : null;
  }

  /** The stored entry at `key` with its timestamps (fresh or not), or `null`. */
  getEntry<T>(key: string): Promise<CacheEntry<T> | null> {
    return this.store.read<T>(key);
  }

  /**
   * Stores `value` under `key` (TTL in seconds, jittered; tags optional). Returns `false` when it
   * was not stored (too large, or Redis unavailable). `null`/`undefined` are stored as `null`.
   */
  async set<T>(key: string, value: T, options: SetOptions = {}): Promise<boolean> {
    return this.write(key, value, this.ttlMs(options.ttlSeconds), options);
  }

  /** Deletes entries by key; returns how many existed. */
  async del(...keys: string[]): Promise<number> {
    this.invalidationEpoch += 1;
    return this.store.delete(keys);
  }

  /** Deletes every entry whose key starts with `prefix` (SCAN + UNLINK, never KEYS). */
  async deleteByPrefix(prefix: string): Promise<number> {
    this.invalidationEpoch += 1;
    return this.store.deleteByPrefix(prefix);
  }

  /** Deletes every entry written with any of `tags`, without SCAN. Returns how many were deleted. */
  async invalidateTags(tags: readonly string[]): Promise<number> {
    this.invalidationEpoch += 1;
    return this.store.invalidateTags(tags);
  }

  /** A key's metadata: whether it exists, its remaining life and its size. Never throws. */
  async describe(key: string): Promise<CacheKeyInfo> {
    const redisKey = this.redis.namespace.toRedisKey(key);
    try {
      const [ttlMs, sizeBytes] = await this.redis.execute(
        { operation: 'cache.describe', key },
        async (c) => Promise.all([c.pttl(redisKey), c.strlen(redisKey)]),
      );
      return { exists: ttlMs !== -2, ttlMs, sizeBytes };
    } catch {
      return { exists: false, ttlMs: -2, sizeBytes: 0 };
    }
  }

  /** A plain snapshot of the counters: `{ total, byName }`. */
  getStats(): CacheStats {
    return this.counters.snapshot();
  }

  /** The connection this service stores through. */
  get connection(): RedisService {
    return this.redis;
  }

  // ---- loading --------------------------------------------------------------------------------

  /**
   * Runs the loader once for the concurrent callers of this process: through the cross-process
   * lock and the store (`shared`), or, when Redis just failed, here alone (`local`).
   */
  private async load<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T>,
    where: 'shared' | 'local' = 'shared',
  ): Promise<T> {
    const flight = this.flights.run(key, () =>
      where === 'shared'
        ? this.loadOnce(key, loader, options, true)
        : this.loadLocally(loader, options),
    );
    const outcome = await flight.promise;
    if (flight.joined && !outcome.shareable) {
      return (await this.callLoader(loader, options.name ?? DEFAULT_STATS_NAME)).value;
    }
    return outcome.value as T;
  }

  private refreshInBackground<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T>,
  ): void {
    if (this.flights.get(key)) return;
    const flight = this.flights.run(key, () => this.loadOnce(key, loader, options, false));
    flight.promise.catch((error: unknown) =>
      this.logLoaderError(options.name ?? DEFAULT_STATS_NAME, error),
    );
  }

  /** Loads across processes: under the per-key lock, or takes the lock holder's value. */
  private loadOnce<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T>,
    waitForHolder: boolean,
  ): Promise<LoadOutcome> {
    return this.crossProcess.run(key, () => this.loadAndStore(key, loader, options), {
      useLock: options.lock ?? this.options.lock,
      waitForHolder,
    });
  }

  /** Runs the loader without Redis; its value is shared only if it may be cached. */
  private async loadLocally<T>(
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T>,
  ): Promise<LoadOutcome> {
    const { value } = await this.callLoader(loader, options.name ?? DEFAULT_STATS_NAME);
    return { value, shareable: !options.cacheIf || options.cacheIf(value) };
  }

  private async loadAndStore<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T>,
  ): Promise<LoadOutcome> {
    const epoch = this.invalidationEpoch;
    const name = options.name ?? DEFAULT_STATS_NAME;
    // Versions of the tags before the load: an invalidation in any process moves them, and the
    // write is then refused, so a value read before the change cannot outlive it.
    const tagVersions = options.tags?.length ? await this.store.readTagVersions(options.tags) : [];
    const { value } = await this.callLoader(loader, name);
    if (options.cacheIf && !options.cacheIf(value)) return { value, shareable: false };
    let ttlMs = this.ttlMs(options.ttlSeconds);
    if (value === null || value === undefined) {
      if (options.cacheNullTtlSeconds === undefined) return { value, shareable: true };
      ttlMs = this.ttlMs(options.cacheNullTtlSeconds);
    }
    if (epoch === this.invalidationEpoch && tagVersions !== null) {
      await this.write(key, value, ttlMs, options, tagVersions);
    }
    return { value, shareable: true };
  }

  private async callLoader<T>(loader: () => Promise<T> | T, name: string): Promise<{ value: T }> {
    this.counters.count(name, 'loads');
    try {
      return { value: await loader() };
    } catch (error) {
      this.counters.count(name, 'errors');
      throw error;
    }
  }

  // ---- writing --------------------------------------------------------------------------------

  private async write(
    key: string,
    value: unknown,
    freshMs: number,
    options: SetOptions,
    tagVersions?: readonly string[],
  ): Promise<boolean> {
    // During an outage the write would be refused anyway: skip the serialisation.
    if (!this.redis.isAvailable) return false;
    const nowMs = Date.now();
    const jitter = options.jitterRatio ?? this.options.jitterRatio;
    const jitteredMs = Math.max(1, Math.round(freshMs * (1 + (Math.random() * 2 - 1) * jitter)));
    const staleMs = Math.max(
      this.windowMs(options.staleWhileRevalidateSeconds, 'swr'),
      this.windowMs(options.graceSeconds, 'grace'),
    );
    const entry: CacheEntry = {
      value: value === undefined ? null : value,
      storedAtMs: nowMs,
      freshUntilMs: nowMs + jitteredMs,
      staleUntilMs: nowMs + jitteredMs + staleMs,
    };
    let text: string;
    try {
      text = encodeEntry(entry);
    } catch {
      this.log.warn(`encode:${key}`, `value for key=${JSON.stringify(key)} is not serialisable`);
      return false;
    }
    const sizeBytes = Buffer.byteLength(text);
    if (sizeBytes > this.options.maxValueBytes) {
      this.log.warn(
        `size:${key}`,
        `value for key=${JSON.stringify(key)} not stored: ${sizeBytes} bytes > ${this.options.maxValueBytes}`,
      );
      return false;
    }
    return this.store.write(key, text, jitteredMs + staleMs, options.tags ?? [], tagVersions);
  }

  private ttlMs(ttlSeconds: number | undefined): number {
    const seconds = ttlSeconds ?? this.redis.settings.defaultTtlSeconds;
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError('ttlSeconds must be a positive number');
    }
    return Math.max(1, Math.round(seconds * 1000));
  }

  private windowMs(seconds: number | undefined, which: 'swr' | 'grace'): number {
    const fallback =
      which === 'swr' ? this.options.staleWhileRevalidateSeconds : this.options.graceSeconds;
    return Math.max(0, Math.round((seconds ?? fallback) * 1000));
  }

  private countStale(name: string): void {
    this.counters.count(name, 'hits');
    this.counters.count(name, 'staleServed');
  }

  private logLoaderError(name: string, error: unknown): void {
    const reason = error instanceof Error ? error.name : 'non-error value';
    this.log.warn(`loader:${name}`, `loader for ${name} failed (${reason})`);
  }
}
