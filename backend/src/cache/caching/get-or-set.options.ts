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
   * Cache `null` and `undefined` results for this many seconds (`undefined` is returned as
   * `null` from the cache). Default: not cached.
   */
  cacheNullTtlSeconds?: number;
  /**
   * Decides whether a loaded value may be stored and shared with concurrent callers. When it
   * returns `false` the value is returned to this caller only; the others run their own loader.
   */
  cacheIf?: (value: T) => boolean;
  /** TTL jitter as a fraction (0 turns it off). Default: the module's (0.1). */
  jitterRatio?: number;
}

/** Options of `CacheService.set`. */
export type SetOptions = Pick<GetOrSetOptions, 'ttlSeconds' | 'tags' | 'jitterRatio'> & {
  /** Stale windows, as in `getOrSet`. */
  staleWhileRevalidateSeconds?: number;
  graceSeconds?: number;
};
