import type { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import type { CacheEntry } from './cache-entry.js';
import type { ResolvedCacheServiceOptions } from './cache-service.options.js';
import { DEFAULT_STATS_NAME, type CacheCounters } from './cache-stats.js';
import { FailureBackoff } from './failure-backoff.js';
import type { CacheLoader, GetOrSetOptions, LoaderContext } from './get-or-set.options.js';
import type { LoadCoordinator, LoadRequest } from './load-coordinator.js';
import { refreshAheadDue } from './refresh-ahead.js';
import { settleWithin } from './soft-timeout.js';

/** Builds the load request of one `getOrSet` call (tags, lock, entry timing, `cacheIf`). */
export type LoadRequestFactory = <T>(
  key: string,
  loader: () => Promise<T>,
  options: GetOrSetOptions<T>,
  startedAtMs: number,
) => LoadRequest<T>;

const FOREGROUND: LoaderContext = Object.freeze({ background: false });
const BACKGROUND: LoaderContext = Object.freeze({ background: true });

/**
 * What a read that holds a value does about its loader, so that no caller waits for a value it
 * holds:
 *
 * - fresh: refresh ahead of expiry in the background when XFetch says so (`refreshAheadBeta`);
 * - stale within `staleWhileRevalidateSeconds`: serve it, one refresh in the background;
 * - stale in grace: wait at most `softTimeoutMs` for the loader, then serve it (the load goes on);
 *   serve it too when the loader fails;
 * - after a failure, serve the held value without running the loader for `failureBackoffMs`.
 *
 * Background loads go through the versioned load path (`LoadCoordinator.refresh`), one per key
 * in this process; the per-key lock, tried without waiting, keeps other processes from loading
 * the same key at the same moment.
 */
export class RefreshPolicy {
  private readonly backoff = new FailureBackoff();

  constructor(
    private readonly loads: LoadCoordinator,
    private readonly counters: CacheCounters,
    private readonly options: ResolvedCacheServiceOptions,
    private readonly log: RateLimitedLogger,
    private readonly requestOf: LoadRequestFactory,
    private readonly redisAvailable: () => boolean,
  ) {}

  /** The loader as a load calls it: in the foreground (a caller waits), counted under `name`. */
  foreground<T>(name: string, loader: CacheLoader<T>): () => Promise<T> {
    return this.counters.countedLoader(name, loader, FOREGROUND);
  }

  /**
   * After a fresh hit on `entry`: starts a refresh of `key` in the background when XFetch says so
   * (see `refreshAheadDue`), unless one runs already in this process or a failure backs off.
   */
  refreshAheadIfDue<T>(
    key: string,
    loader: CacheLoader<T>,
    options: GetOrSetOptions<T>,
    entry: CacheEntry<T>,
  ): void {
    const nowMs = this.options.clock.now();
    const beta = options.refreshAheadBeta ?? this.options.refreshAheadBeta;
    if (!refreshAheadDue(entry, nowMs, beta) || this.loads.isLoading(key)) return;
    if (!this.redisAvailable() || this.backoff.holds(key, entry, nowMs)) return;
    const name = options.name ?? DEFAULT_STATS_NAME;
    const loaded = this.counters.countedLoader(name, loader, BACKGROUND);
    const request = this.requestOf(key, loaded, options, performance.now());
    this.loads.refresh(request, (error) => this.failed(key, entry, options, error), entry);
  }

  /**
   * Answers a call that found `entry` stale but servable: at once while it may be revalidated
   * (one refresh runs in the background), or in grace after at most the soft timeout, or when
   * the loader fails, or while a failure of the loader backs off.
   *
   * @throws nothing the loader throws: a stale value is served instead
   */
  async serveStale<T>(
    key: string,
    loader: CacheLoader<T>,
    options: GetOrSetOptions<T>,
    entry: CacheEntry<T>,
    startedAtMs: number,
  ): Promise<T> {
    const name = options.name ?? DEFAULT_STATS_NAME;
    const nowMs = this.options.clock.now();
    const failed = (error: unknown) => this.failed(key, entry, options, error);
    const stale = () => {
      this.counters.count(name, 'hits');
      this.counters.count(name, 'staleServed');
      options.onStale?.();
      return entry.value;
    };
    if (this.backoff.holds(key, entry, nowMs)) return stale();
    const revalidateSeconds =
      options.staleWhileRevalidateSeconds ?? this.options.staleWhileRevalidateSeconds;
    if (nowMs < entry.freshUntilMs + Math.max(0, Math.round(revalidateSeconds * 1000))) {
      const loaded = this.counters.countedLoader(name, loader, BACKGROUND);
      this.loads.refresh(this.requestOf(key, loaded, options, startedAtMs), failed);
      return stale();
    }
    const loaded = this.foreground(name, loader);
    const loading = this.loads.load(this.requestOf(key, loaded, options, startedAtMs));
    const settled = await settleWithin(
      loading,
      options.softTimeoutMs ?? this.options.softTimeoutMs,
    );
    if (settled.state === 'fulfilled') return settled.value;
    if (settled.state === 'rejected') {
      this.log.warn(`grace:${name}`, `loader for ${name} failed; serving a stale value`);
      failed(settled.error);
    } else {
      // The load goes on for the callers that come next; its failure still backs off.
      loading.catch(failed);
    }
    return stale();
  }

  /** A loader failed while `entry` could be served: logged, and its key backs off. */
  private failed<T>(
    key: string,
    entry: CacheEntry,
    options: GetOrSetOptions<T>,
    error: unknown,
  ): void {
    const name = options.name ?? DEFAULT_STATS_NAME;
    this.backoff.record(
      key,
      entry,
      this.options.clock.now(),
      options.failureBackoffMs ?? this.options.failureBackoffMs,
    );
    const reason = error instanceof Error ? error.name : 'non-error value';
    this.log.warn(`loader:${name}`, `loader for ${name} failed (${reason})`);
  }
}
