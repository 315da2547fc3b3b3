import { InvalidCacheOptionsError } from '../errors/index.js';
import { SYSTEM_CLOCK, type CacheClock } from './cache-clock.js';
import type { CacheValueCodec } from '../serialization/entry-codec.js';
import { PlainJsonCodec, PLAIN_JSON_CODEC_ID } from '../serialization/plain-json.codec.js';
import { TypedJsonCodec, TYPED_JSON_CODEC_ID } from '../serialization/typed-json.codec.js';
import {
  resolveMemoryTierOptions,
  type MemoryTierOptions,
  type ResolvedMemoryTierOptions,
} from './memory/memory-tier.options.js';

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
  /**
   * Values whose serialised form (before compression) is larger than this are not stored, in
   * bytes. Default 1 MiB.
   */
  maxValueBytes?: number;
  /**
   * How values are written into entries, so that a hit returns what the loader returned:
   *
   * - `'typed'` (default, `TypedJsonCodec`): JSON that keeps `Date`, `Map`, `Set`, `bigint`,
   *   `Buffer` and typed arrays, `undefined`, `NaN`/`±Infinity`/`-0`, at any depth. A value it
   *   cannot represent (a class instance, a function, a circular structure) is not stored: the
   *   loader's value is returned as it is, with one warning per call `name` (or key when unnamed).
   * - `'json'` (`PlainJsonCodec`): plain JSON, for other programs that read the cache. It loses
   *   types silently: a `Date` comes back as a string, a `Map` as `{}`, a class instance as a
   *   plain object, `undefined` properties disappear.
   * - your own `CacheValueCodec`, with an `id` of its own.
   *
   * Entries written by `'typed'` or `'json'` are read whatever this setting; an entry written by
   * another codec is a miss.
   */
  codec?: 'typed' | 'json' | CacheValueCodec;
  /**
   * Values whose serialised form is larger than this, in bytes, are stored brotli-compressed (as
   * base64) when that makes them smaller; `0` turns compression off. Default 8,192 (8 KiB), and
   * `0` with `codec: 'json'` (other readers then find plain JSON).
   */
  compressAboveBytes?: number;
  /** A tag set past this size is pruned of members that have expired. Default 10,000. */
  maxTagMembers?: number;
  /** Default stale-while-revalidate window, in seconds. Default 0 (off). */
  staleWhileRevalidateSeconds?: number;
  /** Default grace window (stale served while the loader fails), in seconds. Default 0 (off). */
  graceSeconds?: number;
  /**
   * Refresh ahead of expiry (XFetch): a fresh hit starts a background refresh with a chance that
   * rises toward expiry, `e^(-remaining / (loaderMs * beta))`, so a hot key is reloaded once,
   * before anyone finds it expired. This is `beta`: above 1 refreshes earlier, below 1 later,
   * `0` turns it off. Default 1.
   */
  refreshAheadBeta?: number;
  /**
   * How long a caller that holds a stale value it may serve (grace) waits for the loader, in
   * milliseconds; then it gets the stale value and the load goes on in the background. `0`
   * serves the stale value at once; `Infinity` waits for the loader. Default 100.
   */
  softTimeoutMs?: number;
  /**
   * After a loader failed while a stale value could be served instead, how long this process
   * serves that value without running the loader of the key again, in milliseconds. `0` retries
   * on every call. Default 5,000.
   */
  failureBackoffMs?: number;
  /**
   * How long an invalidation (`del`, `deleteByPrefix`, `invalidateTags`, `clear`, and `set`,
   * which replaces a value) keeps retrying while Redis is unreachable before it rejects with
   * `CacheInvalidationError`, in milliseconds. A rejected invalidation is still retried in the
   * background. Default 2,000.
   */
  invalidationRetryMs?: number;
  /**
   * The longest a load may take and still store its value, in milliseconds: a load records the
   * version of its key in Redis when it begins, and that record lives this long. Default 60,000.
   */
  maxLoadMs?: number;
  /**
   * After a lock holder's result was not stored (loader error, `cacheIf` false), how long other
   * processes load at once instead of waiting for the lock, in milliseconds. Default 2,000.
   */
  uncacheablePassMs?: number;
  /**
   * The in-process memory tier (L1) in front of Redis, on by default: see `MemoryTierOptions`
   * (`enabled`, `maxEntries`, `maxBytes`, `maxTtlSeconds`, `maxStalenessMs`, `isolation`,
   * `heartbeatIntervalMs`).
   */
  memory?: MemoryTierOptions;
  /**
   * The clock that TTL, grace, stale windows, failure backoff and load deadlines follow, in
   * epoch milliseconds. With Redis configured, Redis still expires keys on its own clock: a
   * clock of your own is for memory-only mode (`CacheTestingModule` sets one). Default
   * `Date.now()`.
   */
  clock?: CacheClock;
}

/** Options with every default applied; `codec` is the codec itself. */
export type ResolvedCacheServiceOptions = Required<
  Omit<CacheServiceOptions, 'codec' | 'memory'>
> & {
  codec: CacheValueCodec;
  memory: ResolvedMemoryTierOptions;
};

/** Compression threshold of the codecs other than `'json'`, in bytes. */
const COMPRESS_ABOVE_BYTES = 8_192;

const DEFAULTS: Omit<ResolvedCacheServiceOptions, 'codec' | 'compressAboveBytes' | 'memory'> = {
  jitterRatio: 0.1,
  lock: true,
  lockTtlMs: 10_000,
  lockWaitMs: 3_000,
  lockPollIntervalMs: 10,
  maxValueBytes: 1_048_576,
  maxTagMembers: 10_000,
  staleWhileRevalidateSeconds: 0,
  graceSeconds: 0,
  refreshAheadBeta: 1,
  softTimeoutMs: 100,
  failureBackoffMs: 5_000,
  invalidationRetryMs: 2_000,
  maxLoadMs: 60_000,
  uncacheablePassMs: 2_000,
  clock: SYSTEM_CLOCK,
};

/** Applies defaults and checks ranges. Throws `InvalidCacheOptionsError` naming the field. */
export function resolveCacheServiceOptions(
  options: CacheServiceOptions = {},
): ResolvedCacheServiceOptions {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as CacheServiceOptions;
  const codec = resolveCodec(defined.codec);
  const resolved: ResolvedCacheServiceOptions = {
    ...DEFAULTS,
    compressAboveBytes: codec.id === PLAIN_JSON_CODEC_ID ? 0 : COMPRESS_ABOVE_BYTES,
    ...defined,
    codec,
    memory: resolveMemoryTierOptions(defined.memory),
  };
  if (typeof (resolved.clock as Partial<CacheClock> | null)?.now !== 'function') {
    throw new InvalidCacheOptionsError('caching.clock', 'an object with a now() method');
  }
  if (!(resolved.jitterRatio >= 0 && resolved.jitterRatio < 1)) {
    throw new InvalidCacheOptionsError('caching.jitterRatio', 'a number from 0 to below 1');
  }
  for (const field of [
    'lockTtlMs',
    'lockWaitMs',
    'lockPollIntervalMs',
    'maxValueBytes',
    'maxTagMembers',
    'maxLoadMs',
    'uncacheablePassMs',
  ] as const) {
    const value = resolved[field];
    if (!Number.isInteger(value) || value <= 0) {
      throw new InvalidCacheOptionsError(`caching.${field}`, 'a positive whole number');
    }
  }
  if (!Number.isInteger(resolved.invalidationRetryMs) || resolved.invalidationRetryMs < 0) {
    throw new InvalidCacheOptionsError('caching.invalidationRetryMs', 'a whole number, 0 or more');
  }
  if (!Number.isInteger(resolved.compressAboveBytes) || resolved.compressAboveBytes < 0) {
    throw new InvalidCacheOptionsError('caching.compressAboveBytes', 'a whole number, 0 or more');
  }
  if (!Number.isInteger(resolved.failureBackoffMs) || resolved.failureBackoffMs < 0) {
    throw new InvalidCacheOptionsError('caching.failureBackoffMs', 'a whole number, 0 or more');
  }
  if (!isSoftTimeout(resolved.softTimeoutMs)) {
    throw new InvalidCacheOptionsError(
      'caching.softTimeoutMs',
      'a whole number of milliseconds, 0 or more, or Infinity',
    );
  }
  if (!(Number.isFinite(resolved.refreshAheadBeta) && resolved.refreshAheadBeta >= 0)) {
    throw new InvalidCacheOptionsError('caching.refreshAheadBeta', 'a number, 0 (off) or more');
  }
  for (const field of ['staleWhileRevalidateSeconds', 'graceSeconds'] as const) {
    if (!(resolved[field] >= 0)) {
      throw new InvalidCacheOptionsError(`caching.${field}`, 'a number of seconds, 0 or more');
    }
  }
  return resolved;
}

/** A soft timeout: a whole number of milliseconds, 0 or more, or `Infinity` (wait). */
export function isSoftTimeout(value: number): boolean {
  return value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0);
}

/** The codec the `codec` option names, or the custom codec after checking its shape. */
function resolveCodec(option: unknown): CacheValueCodec {
  if (option === undefined || option === TYPED_JSON_CODEC_ID) return new TypedJsonCodec();
  if (option === PLAIN_JSON_CODEC_ID) return new PlainJsonCodec();
  if (option instanceof TypedJsonCodec || option instanceof PlainJsonCodec) return option;
  if (isCustomCodec(option)) return option;
  throw new InvalidCacheOptionsError(
    'caching.codec',
    `'typed', 'json', or an object with encode, decode and an id of 1 to 32 characters of ` +
      `A-Z a-z 0-9 . _ - other than 'typed' and 'json'`,
  );
}

function isCustomCodec(option: unknown): option is CacheValueCodec {
  if (typeof option !== 'object' || option === null) return false;
  const codec = option as Partial<Record<keyof CacheValueCodec, unknown>>;
  return (
    typeof codec.id === 'string' &&
    /^[A-Za-z0-9._-]{1,32}$/.test(codec.id) &&
    codec.id !== TYPED_JSON_CODEC_ID &&
    codec.id !== PLAIN_JSON_CODEC_ID &&
    typeof codec.encode === 'function' &&
    typeof codec.decode === 'function'
  );
}
