import type { CacheService } from '../caching/cache.service.js';
import {
  callUnless,
  resolveOption,
  type CacheEvictOptions,
  type CachePutOptions,
} from './cache-decorator.options.js';

/**
 * Runs the deletions of a `@CacheEvict`. `args` are what its functions receive; `allPrefix` is
 * the key prefix `allEntries` deletes.
 */
export async function runEvict(
  cache: CacheService,
  options: CacheEvictOptions,
  args: readonly unknown[],
  allPrefix: string,
): Promise<void> {
  const keys = resolveOption(options.keys, args) ?? [];
  const tags = resolveOption(options.tags, args) ?? [];
  const work: Promise<number>[] = [];
  if (keys.length > 0) work.push(cache.del(...keys));
  if (tags.length > 0) work.push(cache.invalidateTags(tags));
  if (options.allEntries) work.push(cache.deleteByPrefix(allPrefix));
  await Promise.all(work);
}

/** Stores the result of a `@CachePut` method unless `unless` says otherwise. */
export async function runPut(
  cache: CacheService,
  options: CachePutOptions,
  result: unknown,
  args: readonly unknown[],
): Promise<void> {
  if (callUnless(options.unless, result, args)) return;
  const key = resolveOption(options.key, args);
  if (key === undefined) return;
  const tags = resolveOption(options.tags, args) ?? [];
  const setOptions: Parameters<CacheService['set']>[2] = { tags };
  if (options.ttlSeconds !== undefined) setOptions.ttlSeconds = options.ttlSeconds;
  await cache.set(key, result, setOptions);
}
