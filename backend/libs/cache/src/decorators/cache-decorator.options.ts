import type { GetOrSetOptions } from '../caching/get-or-set.options.js';

/**
 * What key, tag and condition functions receive on a controller route (through
 * `CacheInterceptor`). On a service method they receive the method's arguments instead.
 */
export interface HttpCacheContext {
  method: string;
  /** The normalised path. */
  path: string;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  /** The request body (for `@CacheEvict` / `@CachePut` on writes). */
  body: unknown;
  /** The user of a `scope: 'user'` route. */
  userId?: string | number;
}

/**
 * A function of the method's arguments (service) or of the `HttpCacheContext` (controller).
 * Typed loosely on purpose: each use site declares the parameters it needs.
 */
export type CacheArgsFn<R> = (...args: never[]) => R;

/** Who a cached response is for: everyone, or one user (keyed by the user's identity). */
export type CacheScope = 'shared' | 'user';

/** Options of `@Cacheable`. */
export interface CacheableOptions {
  /** Fresh life of an entry, in seconds. Default: the module's default TTL. */
  ttlSeconds?: number;
  /**
   * The cache key, or a function building it. Default: class, method and a stable hash of the
   * arguments (service); method, normalised path and sorted query (controller).
   *
   * The default service key tells apart arguments that differ in type or visible state (see
   * `canonicalForm`). A call with an argument whose state a hash cannot see (a function, a
   * symbol, a Promise, an instance with `#private` fields or without own enumerable properties,
   * unless it has `toJSON()`) bypasses the cache, with one warning per method; a parameter
   * declared with such a type is refused at startup. Give a key function for those.
   */
  key?: string | CacheArgsFn<string>;
  /** Tags written with the entry, or a function building them. */
  tags?: readonly string[] | CacheArgsFn<readonly string[]>;
  /** Controller routes: `user` keys the entry by the user and marks it `Cache-Control: private`. */
  scope?: CacheScope;
  /** When it returns `false`, the cache is neither read nor written for this call. */
  condition?: CacheArgsFn<boolean>;
  /** Receives the result first, then the arguments; when it returns `true` nothing is stored. */
  unless?: (result: never, ...args: never[]) => boolean;
  /** Controller routes: the query parameters that count in the key; others are ignored. */
  queryParams?: readonly string[];
  /**
   * Controller routes: request headers the response depends on. They are part of the key, sent
   * in `Vary` (on a miss and on a hit), and may be read by the handler.
   */
  varyHeaders?: readonly string[];
  /**
   * Controller routes: response headers the handler sets that a hit sends again, beyond the
   * default list (`Content-Language`, `Content-Disposition`, `Content-Location`,
   * `Content-Encoding`, `Link`, `Location`, `ETag`, `Last-Modified`, `Expires`, `Cache-Control`,
   * `Vary`, `X-Total-Count`). A response whose handler sets any other header is not stored.
   */
  replayHeaders?: readonly string[];
  /** Name under which the counters are kept. Default: `Class.method` or `GET /route/path`. */
  name?: string;
  /**
   * Serve a stale entry this long while it is refreshed in the background. On a controller route
   * this is the opt-in to background refreshes: the handler then runs again after a request was
   * answered (`X-Cache: STALE`), and refreshes ahead of expiry too (see `refreshAheadBeta`). A
   * route whose handler takes `@Res()` or `@Next()` never refreshes in the background. Default:
   * the module's on services, 0 (off) on routes.
   */
  staleWhileRevalidateSeconds?: GetOrSetOptions['staleWhileRevalidateSeconds'];
  /**
   * Refresh ahead of expiry (XFetch) on a hit: `beta`, `0` off. Default: the module's (1); on a
   * controller route only with `staleWhileRevalidateSeconds`.
   */
  refreshAheadBeta?: GetOrSetOptions['refreshAheadBeta'];
  /** Serve a stale entry this long while the loader fails. */
  graceSeconds?: GetOrSetOptions['graceSeconds'];
  /** Cache `null`/`undefined` results for this many seconds (services only). Default: not cached. */
  cacheNullTtlSeconds?: GetOrSetOptions['cacheNullTtlSeconds'];
  /** Take the cross-process lock on a miss. Default `true`. */
  lock?: boolean;
  /**
   * `false`: this method's or route's entries are never held in the in-process memory tier
   * (every hit reads Redis), e.g. for values a caller mutates, or that must reflect another
   * client's write at once. Default `true` (when `caching.memory.enabled`).
   */
  memory?: GetOrSetOptions['memory'];
}

/** Options of `@CacheEvict`. */
export interface CacheEvictOptions {
  /** Keys to delete, or a function building them. */
  keys?: readonly string[] | CacheArgsFn<readonly string[]>;
  /** Tags to invalidate, or a function building them. */
  tags?: readonly string[] | CacheArgsFn<readonly string[]>;
  /**
   * Delete every entry of the class's `@Cacheable` methods (services), or every cached HTTP
   * response (controllers).
   */
  allEntries?: boolean;
  /** Evict before the method runs (even if it then fails). Default: after it succeeds. */
  beforeInvocation?: boolean;
}

/** Options of `@CachePut`: the method always runs and its result is stored. */
export interface CachePutOptions {
  /**
   * The key to store the result under, or a function building it. Required on service methods
   * (the key their `@Cacheable` readers use). On a route, the result becomes the cached response
   * of `GET` on the same path; give the `key` of that GET's `@Cacheable` if it sets one.
   */
  key?: string | CacheArgsFn<string>;
  ttlSeconds?: number;
  tags?: readonly string[] | CacheArgsFn<readonly string[]>;
  /** Receives the result first, then the arguments; when it returns `true` nothing is stored. */
  unless?: (result: never, ...args: never[]) => boolean;
}

/** Calls a loosely typed decorator function with the arguments it was declared for. */
export function callWith<R>(fn: CacheArgsFn<R>, args: readonly unknown[]): R {
  return (fn as (...a: unknown[]) => R)(...args);
}

/** A value or the result of a function of the arguments. */
export function resolveOption<R>(
  option: R | CacheArgsFn<R> | undefined,
  args: readonly unknown[],
): R | undefined {
  return typeof option === 'function' ? callWith(option as CacheArgsFn<R>, args) : option;
}

/** Calls `unless(result, ...args)`. */
export function callUnless(
  unless: ((result: never, ...args: never[]) => boolean) | undefined,
  result: unknown,
  args: readonly unknown[],
): boolean {
  if (!unless) return false;
  return (unless as (...a: unknown[]) => boolean)(result, ...args);
}
