import type { CacheService } from '../caching/cache.service.js';
import type { SetOptions } from '../caching/get-or-set.options.js';
import {
  callUnless,
  resolveOption,
  type CacheEvictOptions,
  type CachePutOptions,
} from './cache-decorator.options.js';
import type { CacheMethodMetadata } from './cache-metadata.accessor.js';

/** One call of a decorated method or route, as the flow sees it. */
export interface DecoratedCall {
  /** What the decorators' key, tag and condition functions receive. */
  args: readonly unknown[];
  /** The key prefix `@CacheEvict({ allEntries: true })` deletes. */
  allEntriesPrefix: string;
  /** Runs the method (through the cache when it is `@Cacheable`). */
  invoke(): Promise<unknown>;
  /** Whether the call succeeded, so that its evictions and puts apply (HTTP: status below 400). */
  succeeded(): boolean;
  /**
   * Stores a `@CachePut` result under the key readers of this kind of call use: the method's own
   * key for a service, the GET entry of the same resource for a route. `key` is the decorator's,
   * when it gave one.
   */
  put(result: unknown, key: string | undefined, options: SetOptions): Promise<void>;
}

/**
 * The decorated flow, written once for service methods and HTTP routes: evict before (when asked),
 * run, then, if the call succeeded, evict after and put. Invalidations that cannot reach Redis
 * reject with `CacheInvalidationError`, so a caller never reports a change whose cached copy may
 * still be served.
 */
export async function runDecoratedCall(
  cache: CacheService,
  meta: CacheMethodMetadata,
  call: DecoratedCall,
): Promise<unknown> {
  if (meta.evict?.beforeInvocation) await evict(cache, meta.evict, call);
  const result = await call.invoke();
  if (!call.succeeded()) return result;
  if (meta.evict && !meta.evict.beforeInvocation) await evict(cache, meta.evict, call);
  if (meta.put) await put(meta.put, result, call);
  return result;
}

async function evict(cache: CacheService, options: CacheEvictOptions, call: DecoratedCall) {
  const keys = resolveOption(options.keys, call.args) ?? [];
  const tags = resolveOption(options.tags, call.args) ?? [];
  const work: Promise<number>[] = [];
  if (keys.length > 0) work.push(cache.del(...keys));
  if (tags.length > 0) work.push(cache.invalidateTags(tags));
  if (options.allEntries) work.push(cache.deleteByPrefix(call.allEntriesPrefix));
  await Promise.all(work);
}

async function put(options: CachePutOptions, result: unknown, call: DecoratedCall) {
  if (callUnless(options.unless, result, call.args)) return;
  const setOptions: SetOptions = { tags: resolveOption(options.tags, call.args) ?? [] };
  if (options.ttlSeconds !== undefined) setOptions.ttlSeconds = options.ttlSeconds;
  await call.put(result, resolveOption(options.key, call.args), setOptions);
}
