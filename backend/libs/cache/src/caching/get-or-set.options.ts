/** What a loader is told about the call it runs for. */
export interface LoaderContext {
  /**
   * `true` when no caller waits for this result: it runs to refresh the cache (a
   * stale-while-revalidate refresh, a refresh ahead of expiry). `false` when a caller waits (it
   * may still stop waiting after `softTimeoutMs` and serve a stale value).
   */
  background: boolean;
}

/** A loader: given what it runs for, returns the value to cache. */
export type CacheLoader<T> = (context: LoaderContext) => Promise<T> | T;

/** Options of one `CacheService.getOrSet` (or `set`) call. */
export interface GetOrSetOptions<T = unknown> {
  /** How long the value is fresh, in seconds (jittered). Default: the module's default TTL. */
  ttlSeconds?: number;
  /** Tags to attach, for `invalidateTags` (e.g. `['product:42', 'products']`). */
  tags?: readonly string[];
  /** Name the counters of this call are kept under (a route, a method). Default `default`. */
  name?: string;
  /**
   * After the value stops being fresh, serve it stale for this many seconds while one caller
   * refreshes it in the background. Default: the module's (0, off).
   */
  staleWhileRevalidateSeconds?: number;
  /**
   * After the value stops being fresh, keep it this many seconds to serve when the loader fails
   * (the failure is logged). Default: the module's (0, off).
   */
  graceSeconds?: number;
  /** Take the cross-process per-key lock on a miss. Default: the module's (`true`). */
  lock?: boolean;
  /**
   * Cache `null` and `undefined` results for this many seconds (with `caching.codec: 'json'`,
   * `undefined` is returned as `null` from the cache). Default: not cached.
   */
  cacheNullTtlSeconds?: number;
  /**
   * Decides whether a loaded value may be stored and shared with concurrent callers. When it
   * returns `false` the value is returned to this caller only; the others run their own loader.
   */
  cacheIf?: (value: T) => boolean;
  /** TTL jitter as a fraction (0 turns it off). Default: the module's (0.1). */
  jitterRatio?: number;
  /**
   * Refresh ahead of expiry (XFetch) on a fresh hit: `beta`, `0` off for this call. Default: the
   * module's (1). See `CacheServiceOptions.refreshAheadBeta`.
   */
  refreshAheadBeta?: number;
  /**
   * The longest this call waits for the loader while it holds a stale value it may serve
   * (grace), in milliseconds (`Infinity`: wait). Default: the module's (100).
   */
  softTimeoutMs?: number;
  /**
   * After a loader failure served stale, how long the key's stale value is served without
   * running the loader again, in milliseconds. Default: the module's (5,000).
   */
  failureBackoffMs?: number;
  /**
   * Called, before the call returns, when it is answered with a stale value (revalidation, grace,
   * a soft timeout, a failure back-off).
   */
  onStale?: () => void;
  /**
   * `false`: this call neither reads the memory tier nor keeps what it reads there (Redis
   * only). Default `true` (when `caching.memory.enabled`).
   */
  memory?: boolean;
}

/** Options of `CacheService.set`. */
export type SetOptions = Pick<GetOrSetOptions, 'ttlSeconds' | 'tags' | 'jitterRatio'> & {
  /** Stale windows, as in `getOrSet`. */
  staleWhileRevalidateSeconds?: number;
  graceSeconds?: number;
};
