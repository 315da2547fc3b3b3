import { InvalidCacheOptionsError } from '../errors/index.js';

/** Defaults of `CacheService` for every call; set through `CacheModule.forRoot({ caching })`. */
export interface CacheServiceOptions {
  /** TTL jitter as a fraction of the TTL: 0.1 spreads expiries over ±10 %. Default 0.1. */
  jitterRatio?: number;
  /** Whether concurrent misses in several processes take a per-key lock. Default `true`. */
  lock?: boolean;
  /** Life of a per-key lock if its holder never releases it, in milliseconds. Default 10,000. */
  lockTtlMs?: number;
  /**
   * How long a process that found the key locked waits for the holder's value before it runs the
   * loader itself, in milliseconds. Default 3,000.
   */
  lockWaitMs?: number;
  /** First pause between two checks while waiting, in milliseconds (doubles up to 100). Default 10. */
  lockPollIntervalMs?: number;
  /** Values whose serialised form is larger than this are not stored, in bytes. Default 1 MiB. */
  maxValueBytes?: number;
  /** A tag set past this size is pruned of members that have expired. Default 10,000. */
  maxTagMembers?: number;
  /** Default stale-while-revalidate window, in seconds. Default 0 (off). */
  staleWhileRevalidateSeconds?: number;
  /** Default grace window (stale served while the loader fails), in seconds. Default 0 (off). */
  graceSeconds?: number;
}

/** Options with every default applied. */
export type ResolvedCacheServiceOptions = Required<CacheServiceOptions>;

const DEFAULTS: ResolvedCacheServiceOptions = {
  jitterRatio: 0.1,
  lock: true,
  lockTtlMs: 10_000,
  lockWaitMs: 3_000,
  lockPollIntervalMs: 10,
  maxValueBytes: 1_048_576,
  maxTagMembers: 10_000,
  staleWhileRevalidateSeconds: 0,
  graceSeconds: 0,
};

/** Applies defaults and checks ranges. Throws `InvalidCacheOptionsError` naming the field. */
export function resolveCacheServiceOptions(
  options: CacheServiceOptions = {},
): ResolvedCacheServiceOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as CacheServiceOptions;
  const resolved = { ...DEFAULTS, ...defined };
  if (!(resolved.jitterRatio >= 0 && resolved.jitterRatio < 1)) {
    throw new InvalidCacheOptionsError('caching.jitterRatio', 'a number from 0 to below 1');
  }
  for (const field of [
    'lockTtlMs',
    'lockWaitMs',
    'lockPollIntervalMs',
    'maxValueBytes',
    'maxTagMembers',
  ] as const) {
    const value = resolved[field];
    if (!Number.isInteger(value) || value <= 0) {
      throw new InvalidCacheOptionsError(`caching.${field}`, 'a positive whole number');
    }
  }
  for (const field of ['staleWhileRevalidateSeconds', 'graceSeconds'] as const) {
    if (!(resolved[field] >= 0)) {
      throw new InvalidCacheOptionsError(`caching.${field}`, 'a number of seconds, 0 or more');
    }
  }
  return resolved;
}
