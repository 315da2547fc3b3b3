import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { CACHE_SERVICE_OPTIONS } from '../cache.constants.js';
import type { RedisClient } from '../connection/redis-client.factory.js';
import { RedisService } from '../connection/redis.service.js';
import { CacheInvalidationError, RedisNotReadyError } from '../errors/index.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import {
  GetOrSetTracer,
  InvalidationTracer,
  type GetOrSetTrace,
  type InvalidationOperation,
} from '../telemetry/index.js';
import { isFresh, isServableStale, type CacheEntry } from './cache-entry.js';
import type { CacheClock } from './cache-clock.js';
import {
  resolveCacheServiceOptions,
  type CacheServiceOptions,
  type ResolvedCacheServiceOptions,
} from './cache-service.options.js';
import { CacheKeyspace } from './cache-keyspace.js';
import {
  CacheCounters,
  DEFAULT_STATS_NAME,
  type CacheStats,
  type LoaderCallObserver,
} from './cache-stats.js';
import { buildEntryBody, type EntryTiming } from './entry-body.js';
import type { CacheLoader, GetOrSetOptions, SetOptions } from './get-or-set.options.js';
import { describeInvalidation, type Invalidation } from './invalidation.js';
import { LoadCoordinator, type LoadRequest } from './load-coordinator.js';
import { PendingInvalidations } from './pending-invalidations.js';
import { RefreshPolicy } from './refresh-policy.js';
import { ServerEpochGuard } from './server-epoch.js';
import { AnnouncingEntryStore } from './memory/announcing-entry.store.js';
import { InvalidationAnnouncer } from './memory/invalidation-announcement.js';
import { MemoryCoherence } from './memory/memory-coherence.js';
import { MemoryFrontedStore } from './memory/memory-fronted.store.js';
import { MemoryOnlyStore } from './memory/memory-only.store.js';
import { MemoryTier } from './memory/memory-tier.js';
import type { CoherenceMechanism } from './memory/invalidation-link.js';
import {
  RedisEntryStore,
  type CacheEntryStore,
  type LookupOptions,
  type StoreLookup,
} from './redis-entry.store.js';

/** What the memory tier is doing: off, or on with the mechanism that keeps it coherent. */
export interface MemoryTierStatus {
  enabled: boolean;
  /**
   * `tracking` (Redis CLIENT TRACKING), `pubsub` (this module's messages), `none` (link down:
   * not used), or `local` (memory-only: no Redis configured, the tier is the store).
   */
  mechanism: CoherenceMechanism | 'local';
  entries: number;
  /** Approximate bytes held (stored text lengths). */
  sizeBytes: number;
}

/** A key's metadata, as `describe` reports it. */
export interface CacheKeyInfo {
  exists: boolean;
  /** Remaining life in Redis, in milliseconds (`-1` none, `-2` missing or unknown). */
  ttlMs: number;
  /** Size of the stored text, in bytes. */
  sizeBytes: number;
}

/** The memory tier's TTL cap in memory-only mode: entries keep their own life (a year at most). */
const MEMORY_ONLY_MAX_TTL_S = 31_536_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Caching semantics on top of `RedisService`: cache-aside with `getOrSet`, one loader call per
 * key across concurrent callers (in-process single-flight) and across processes (a per-key
 * lock), TTL jitter (which only shortens), stale-while-revalidate and grace, tags, a size cap
 * and per-name counters.
 *
 * Consistency: a read that starts after a write or an invalidation of its key returned, in this
 * process or any other, never returns a value whose load began before that write or
 * invalidation began (README, "Consistency").
 *
 * Redis failures never reach a reader: a read that fails is a miss and the loader runs. An
 * invalidation that cannot reach Redis rejects with `CacheInvalidationError` after
 * `invalidationRetryMs`, and is retried in the background. Loader errors are thrown, never cached.
 *
 * Outside Nest: `new CacheService(redisService, options)`.
 */
@Injectable()
export class CacheService implements OnApplicationShutdown {
  private readonly logger = new Logger('CacheService');
  private readonly log: RateLimitedLogger;
  private readonly options: ResolvedCacheServiceOptions;
  /** Where TTL and freshness decisions read the time (`caching.clock`, default `Date.now()`). */
  readonly clock: CacheClock;
  private readonly store: CacheEntryStore;
  private readonly loads: LoadCoordinator;
  private readonly pending: PendingInvalidations;
  private readonly epoch: ServerEpochGuard;
  private readonly counters = new CacheCounters();
  private readonly refreshes: RefreshPolicy;
  private readonly getOrSetTracer: GetOrSetTracer;
  private readonly invalidationTracer: InvalidationTracer;
  private readonly memory: { tier: MemoryTier; coherence: MemoryCoherence | null } | null = null;
  /** The store of the memory-only mode (no Redis configured), else `null`. */
  private readonly memoryOnly: MemoryOnlyStore | null = null;

  /** Where each kind of cache key lives in Redis (entries apart from their bookkeeping). */
  readonly keyspace: CacheKeyspace;

  constructor(
    private readonly redis: RedisService,
    @Optional() @Inject(CACHE_SERVICE_OPTIONS) options?: CacheServiceOptions,
  ) {
    this.options = resolveCacheServiceOptions(options ?? {});
    this.clock = this.options.clock;
    this.log = new RateLimitedLogger(this.logger, redis.settings.logIntervalMs);
    this.keyspace = new CacheKeyspace(redis.namespace);
    const redisStore = new RedisEntryStore(
      redis,
      this.keyspace,
      this.options.maxTagMembers,
      this.options,
      () => this.epoch.trusted(redis.settings.commandTimeoutMs),
    );
    this.store = redisStore;
    const redisConfigured = redis.mode !== 'memory';
    this.getOrSetTracer = new GetOrSetTracer(redisConfigured);
    this.invalidationTracer = new InvalidationTracer(redisConfigured);
    if (redis.mode === 'memory' && redis.settings.enabled) {
      // No Redis configured: the memory tier is the store, for each entry's whole life.
      const tier = new MemoryTier(
        { ...this.options.memory, maxTtlSeconds: MEMORY_ONLY_MAX_TTL_S },
        this.clock,
      );
      this.memoryOnly = new MemoryOnlyStore(tier, this.keyspace, this.options, this.clock);
      this.memory = { tier, coherence: null };
      this.store = this.memoryOnly;
    } else if (this.options.memory.enabled && redis.getClient() !== null) {
      const tier = new MemoryTier(this.options.memory, this.clock);
      const coherence = new MemoryCoherence(
        redis,
        tier,
        this.options.memory.heartbeatIntervalMs,
        this.log,
      );
      this.memory = { tier, coherence };
      this.store = new MemoryFrontedStore(redisStore, tier, coherence, this.keyspace);
    } else if (redis.getClient() !== null) {
      // No memory tier here, but peers may have one that relies on this module's messages.
      const announcer = new InvalidationAnnouncer(redis);
      this.store = new AnnouncingEntryStore(redisStore, announcer, this.keyspace);
    }
    this.loads = new LoadCoordinator(
      redis,
      this.keyspace,
      this.store,
      this.options,
      (key, reason, name) => this.logUnstorable(key, reason, name),
    );
    this.pending = new PendingInvalidations((i) => this.apply(i), this.log);
    this.epoch = new ServerEpochGuard(
      redis,
      this.keyspace.epoch,
      () => this.store.clear(),
      this.log,
    );
    redis.getClient()?.on('ready', () => this.pending.retryNow());
    this.refreshes = new RefreshPolicy(
      this.loads,
      this.counters,
      this.options,
      this.log,
      (key, loader, options, startedAtMs) => this.loadRequest(key, loader, options, startedAtMs),
      () => this.isStoreAvailable,
    );
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
   * value. A fresh hit may start a refresh in the background ahead of expiry
   * (`refreshAheadBeta`, XFetch), so that a hot key is reloaded before anyone finds it expired.
   * A stale entry is served while one caller refreshes it (`staleWhileRevalidateSeconds`); in
   * grace (`graceSeconds`) a caller waits at most `softTimeoutMs` for the loader, then gets the
   * stale value while the load goes on, and gets it too when the loader fails (after which the
   * loader is not run again for `failureBackoffMs`). When the read itself fails (Redis, or the
   * Cluster shard of `key`, down or slow), the caller runs its loader alone, without the lock
   * and without storing: a call waits for at most one command timeout.
   *
   * `loader` receives a {@link LoaderContext}: `background` tells that no caller waits for it.
   *
   * With an OpenTelemetry SDK registered, the call is a `cache.getOrSet` span and each loader call
   * a `cache.load` child span, active while the loader runs (README, "OpenTelemetry").
   *
   * @throws whatever `loader` throws (when no stale value may be served instead)
   */
  getOrSet<T>(key: string, loader: CacheLoader<T>, options: GetOrSetOptions<T> = {}): Promise<T> {
    const name = options.name ?? DEFAULT_STATS_NAME;
    if (!this.getOrSetTracer.active) return this.readThrough(key, loader, options, name, null);
    return this.getOrSetTracer.trace(name, key, (traced) =>
      this.readThrough(key, traced.loader(loader), options, name, traced),
    );
  }

  /**
   * The value that `getOrSet(key, loader, options)` would answer at once from the memory tier,
   * read synchronously: held, fresh, trusted, and covered by no pending invalidation (of the key,
   * of `options.tags` or of the entry's own tags). Counted as a hit under `options.name`.
   * `undefined` when there is no such value (including with `memory: false`, or the tier off):
   * nothing is read from Redis, and the caller goes on with `getOrSet`. For callers that can
   * answer a hit without waiting (the HTTP interceptor).
   */
  peekFresh<T>(
    key: string,
    options: Pick<GetOrSetOptions<T>, 'name' | 'tags' | 'memory'> = {},
  ): { value: T } | undefined {
    const held = this.heldFresh<T>(key, options);
    if (held === undefined) return undefined;
    this.counters.count(options.name ?? DEFAULT_STATS_NAME, 'hits');
    return { value: held.value };
  }

  /**
   * Runs `loader` now, whatever the cache holds, and stores its result like `getOrSet` would: only
   * if no write or invalidation of `key` began while it loaded (then a newer state exists and the
   * result is returned but not stored). For warming and for refreshing a key ahead of readers.
   * Never throws for Redis; throws what `loader` throws.
   */
  async refresh<T>(
    key: string,
    loader: CacheLoader<T>,
    options: GetOrSetOptions<T> = {},
  ): Promise<{ value: T; stored: boolean }> {
    const name = options.name ?? DEFAULT_STATS_NAME;
    const request = this.loadRequest(key, this.refreshes.foreground(name, loader), options, 0);
    if (!this.isStoreAvailable || this.pending.covers(key, request.tags)) {
      return { value: await this.loads.callLoader(request.loader), stored: false };
    }
    return this.loads.loadFresh(request);
  }

  /** The value at `key` while it is fresh or may be served stale; `null` otherwise. */
  async get<T>(key: string): Promise<T | null> {
    const found = await this.lookup<T>(key);
    const entry = found.failed ? null : found.entry;
    return entry && isServableStale(entry, this.clock.now()) ? entry.value : null;
  }

  /** The stored entry at `key` with its timestamps (fresh or not), or `null`. */
  async getEntry<T>(key: string): Promise<CacheEntry<T> | null> {
    const found = await this.lookup<T>(key);
    return found.failed ? null : found.entry;
  }

  /**
   * Stores `value` under `key` (TTL in seconds, a maximum: jitter only shortens it; tags
   * optional), replacing any value and outdating every load of `key` in progress, in any process.
   * The codec (`caching.codec`) decides what a value may hold: the default keeps `Date`, `Map`,
   * `Set`, `bigint`, `Buffer` and `undefined`; with `'json'`, `undefined` is stored as `null`.
   * Returns `false` when the value cannot be stored (too large, or holding what the codec cannot
   * represent, such as a class instance): the old value is then deleted, never left behind.
   *
   * @throws CacheInvalidationError when Redis cannot be reached within `invalidationRetryMs`
   */
  async set<T>(key: string, value: T, options: SetOptions = {}): Promise<boolean> {
    const tags = [...new Set(options.tags ?? [])];
    const built = buildEntryBody(value, tags, this.timing(options), this.options, this.clock.now());
    if (!built.ok) {
      this.logUnstorable(key, built.detail);
      await this.del(key);
      return false;
    }
    const write: Invalidation = { kind: 'keys', keys: [key] };
    return this.invalidationTracer.trace('set', write, async () => {
      let stored = true;
      await this.invalidate(write, async () => {
        stored = await this.store.put(key, built.body, built.ttlMs, tags);
      });
      // Memory-only: larger than the tier holds (the write still removed the previous value).
      if (!stored) this.logUnstorable(key, 'larger than the memory tier holds (maxBytes)');
      return stored;
    });
  }

  /**
   * Deletes entries by key; returns how many existed. Loads of these keys in progress, in any
   * process, will not store their values.
   *
   * @throws CacheInvalidationError when Redis cannot be reached within `invalidationRetryMs`
   */
  del(...keys: string[]): Promise<number> {
    return this.tracedInvalidate('del', { kind: 'keys', keys });
  }

  /**
   * Deletes every entry whose key starts with `prefix` (SCAN + UNLINK, never KEYS).
   *
   * @throws CacheInvalidationError when the sweep cannot complete within `invalidationRetryMs`
   */
  deleteByPrefix(prefix: string): Promise<number> {
    return this.tracedInvalidate('deleteByPrefix', { kind: 'prefix', prefix });
  }

  /**
   * Invalidates every entry written with any of `tags`, without SCAN: the tags get new versions
   * (entries written under the old ones are misses from now on, even if Redis evicted the tag
   * sets) and the entries the tag sets list are deleted. Returns how many were deleted.
   *
   * @throws CacheInvalidationError when Redis cannot be reached within `invalidationRetryMs`
   */
  invalidateTags(tags: readonly string[]): Promise<number> {
    return this.tracedInvalidate('invalidateTags', { kind: 'tags', tags: [...tags] });
  }

  /**
   * Deletes every cache entry and the cache's bookkeeping (SCAN + UNLINK of the cache's own
   * subspace, never FLUSHDB); sessions, rate limits, locks and counters are untouched. Returns
   * how many keys were deleted.
   *
   * @throws CacheInvalidationError when the sweep cannot complete within `invalidationRetryMs`
   */
  clear(): Promise<number> {
    return this.tracedInvalidate('clear', { kind: 'all' });
  }

  /**
   * Iterates the cache keys that start with `prefix` (entries only, never bookkeeping), with
   * SCAN on every master. `complete` on the iterator's return tells whether every node answered.
   */
  async *keys(prefix = ''): AsyncGenerator<string, { complete: boolean }, undefined> {
    if (this.memoryOnly) {
      for (const key of [...this.memoryOnly.keys()]) if (key.startsWith(prefix)) yield key;
      return { complete: true };
    }
    const scan = this.redis.scanKeys(this.keyspace.entryPrefix(prefix));
    for (;;) {
      const step = await scan.next();
      if (step.done) return step.value;
      const key = this.keyspace.keyOfEntry(step.value);
      if (key !== null) yield key;
    }
  }

  /** An entry's metadata: whether it exists, its remaining life and its size. Never throws. */
  async describe(key: string): Promise<CacheKeyInfo> {
    if (this.memoryOnly) {
      const { ttlMs, sizeBytes } = this.memoryOnly.describe(key);
      return { exists: ttlMs !== -2, ttlMs, sizeBytes };
    }
    const redisKey = this.keyspace.entry(key);
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

  /**
   * Calls `observer` after every loader call (name, duration, outcome, whether in the
   * background), e.g. for a duration histogram. Returns a function that stops it.
   */
  observeLoads(observer: LoaderCallObserver): () => void {
    return this.counters.observeLoads(observer);
  }

  /** How many invalidations wait to be applied because Redis could not be reached. */
  get pendingInvalidations(): number {
    return this.pending.size;
  }

  /** Whether the memory tier is on, how it is kept coherent, and what it holds. */
  get memoryTier(): MemoryTierStatus {
    if (!this.memory) return { enabled: false, mechanism: 'none', entries: 0, sizeBytes: 0 };
    return {
      enabled: true,
      mechanism: this.memory.coherence?.mechanism ?? 'local',
      entries: this.memory.tier.size,
      sizeBytes: this.memory.tier.sizeBytes,
    };
  }

  /** The memory tier's invalidation connections (one per master): for fault tests. */
  get memoryLinks(): readonly RedisClient[] {
    return this.memory?.coherence?.connections ?? [];
  }

  /**
   * Resolves once the cache runs at full strength: Redis ready and, with the memory tier on,
   * its invalidation link armed (before, reads go to Redis). At once when memory-only or off.
   * Default deadline: the connection's `connectTimeoutMs`.
   *
   * @throws RedisNotReadyError when that does not happen within `timeoutMs`
   */
  async whenReady(timeoutMs = this.redis.settings.connectTimeoutMs): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    await this.redis.whenReady(timeoutMs);
    const coherence = this.memory?.coherence;
    if (!coherence) return;
    while (coherence.mechanism === 'none') {
      if (performance.now() >= deadline) {
        throw new RedisNotReadyError("the memory tier's invalidation link", timeoutMs);
      }
      await sleep(10);
    }
  }

  /** Whether this service runs memory-only: no Redis configured, entries in this process. */
  get isMemoryOnly(): boolean {
    return this.memoryOnly !== null;
  }

  /** Whether entries can be stored now: Redis reachable (its breaker closed), or memory-only. */
  get isStoreAvailable(): boolean {
    return this.memoryOnly !== null || this.redis.isAvailable;
  }

  /** The connection this service stores through. */
  get connection(): RedisService {
    return this.redis;
  }

  /** Stops the background retries of pending invalidations. */
  onApplicationShutdown(): void {
    this.pending.dispose();
    this.epoch.dispose();
  }

  // ---- reading --------------------------------------------------------------------------------

  /** `getOrSet`, telling `traced` (when tracing) how the call answered. */
  private async readThrough<T>(
    key: string,
    loader: CacheLoader<T>,
    options: GetOrSetOptions<T>,
    name: string,
    traced: GetOrSetTrace | null,
  ): Promise<T> {
    const held = this.heldFresh<T>(key, options);
    if (held !== undefined) {
      this.counters.count(name, 'hits');
      traced?.outcome('hit', true);
      if (held.loadMs !== undefined) this.refreshes.refreshAheadIfDue(key, loader, options, held);
      return held.value;
    }
    const startedAtMs = performance.now();
    const found = await this.lookup<T>(key, options.tags, { memory: options.memory });
    if (found.failed) {
      // Without Redis nothing proves another caller's load current for this one: load alone.
      this.counters.count(name, 'misses');
      traced?.outcome('bypass');
      return this.loads.callLoader(this.refreshes.foreground(name, loader));
    }
    const entry = found.entry;
    const nowMs = this.clock.now();
    if (entry && isFresh(entry, nowMs)) {
      this.counters.count(name, 'hits');
      traced?.outcome('hit');
      if (entry.loadMs !== undefined) this.refreshes.refreshAheadIfDue(key, loader, options, entry);
      return entry.value;
    }
    if (entry && isServableStale(entry, nowMs)) {
      traced?.outcome('stale');
      return this.refreshes.serveStale(key, loader, options, entry, startedAtMs);
    }
    this.counters.count(name, 'misses');
    traced?.outcome('miss');
    const loaded = this.refreshes.foreground(name, loader);
    return this.loads.load(this.loadRequest(key, loaded, options, startedAtMs));
  }

  /** The fresh entry the memory tier holds for `key`, read without a promise (the hot path). */
  private heldFresh<T>(key: string, options: GetOrSetOptions<T>): CacheEntry<T> | undefined {
    if (!this.memory || options.memory === false) return undefined;
    const entry = this.memory.tier.get<T>(key);
    if (entry === undefined || !isFresh(entry, this.clock.now())) return undefined;
    if (this.pending.covers(key, options.tags ?? entry.tags)) return undefined;
    if (entry.tags && this.pending.covers(key, entry.tags)) return undefined;
    return entry;
  }

  /** Reads through the store, except keys that a pending invalidation covers (read as failed). */
  private async lookup<T>(
    key: string,
    tags?: readonly string[],
    options?: LookupOptions,
  ): Promise<StoreLookup<T>> {
    if (this.pending.covers(key, tags)) return { failed: true };
    const found = await this.store.lookup<T>(key, options);
    if (!found.failed && found.entry?.tags && this.pending.covers(key, found.entry.tags)) {
      return { failed: true };
    }
    return found;
  }

  private loadRequest<T>(
    key: string,
    loader: () => Promise<T> | T,
    options: GetOrSetOptions<T>,
    startedAtMs: number,
  ): LoadRequest<T> {
    return {
      key,
      name: options.name,
      loader,
      tags: [...new Set(options.tags ?? [])],
      useLock: options.lock ?? this.options.lock,
      startedAtMs,
      cacheable: (value) => !options.cacheIf || options.cacheIf(value),
      timing: (value) => {
        if (value !== null && value !== undefined) return this.timing(options);
        if (options.cacheNullTtlSeconds === undefined) return null;
        return this.timing({ ...options, ttlSeconds: options.cacheNullTtlSeconds });
      },
    };
  }

  // ---- invalidating ---------------------------------------------------------------------------

  /**
   * Applies an invalidation (or a write, `apply` given), retrying while Redis is unreachable for
   * up to `invalidationRetryMs`; then keeps it pending and rejects.
   */
  private async invalidate(
    invalidation: Invalidation,
    apply: () => Promise<number | void> = () => this.apply(invalidation),
  ): Promise<number> {
    this.loads.detach(invalidation);
    const startedMs = Date.now();
    let pauseMs = 25;
    let lastError: unknown;
    for (;;) {
      try {
        const result = await apply();
        this.loads.detach(invalidation);
        return typeof result === 'number' ? result : 1;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() - startedMs + pauseMs > this.options.invalidationRetryMs) break;
      await sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, 200);
    }
    // A write that failed is replayed as a deletion: the old value must not come back.
    this.pending.add(invalidation);
    throw new CacheInvalidationError(
      describeInvalidation(invalidation),
      this.options.invalidationRetryMs,
      lastError,
    );
  }

  /** `invalidate` inside a `cache.invalidate` span (when tracing). */
  private tracedInvalidate(
    operation: InvalidationOperation,
    invalidation: Invalidation,
  ): Promise<number> {
    return this.invalidationTracer.trace(operation, invalidation, () =>
      this.invalidate(invalidation),
    );
  }

  private apply(invalidation: Invalidation): Promise<number> {
    switch (invalidation.kind) {
      case 'keys':
        return this.store.delete(invalidation.keys);
      case 'prefix':
        return this.store.deleteByPrefix(invalidation.prefix);
      case 'tags':
        return this.store.invalidateTags(invalidation.tags);
      case 'all':
        return this.store.clear();
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  private timing(options: SetOptions): EntryTiming {
    return {
      freshMs: this.ttlMs(options.ttlSeconds),
      jitterRatio: options.jitterRatio ?? this.options.jitterRatio,
      staleMs: Math.max(
        this.windowMs(options.staleWhileRevalidateSeconds, 'swr'),
        this.windowMs(options.graceSeconds, 'grace'),
      ),
    };
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

  /** One warning per call name (per key for unnamed calls) and interval; never the value. */
  private logUnstorable(key: string, reason: string, name?: string): void {
    const site = name === undefined ? '' : ` (${name})`;
    this.log.warn(
      `unstorable:${name ?? key}`,
      `value for key=${JSON.stringify(key)}${site} not stored: ${reason}`,
    );
  }
}
