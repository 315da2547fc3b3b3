import { CACHE_SUBSPACE, type KeyNamespace } from '../keys/key-namespace.js';

// Everything the cache writes lives under CACHE_SUBSPACE, which the raw key-value API of
// `RedisService` refuses: no other data lands among cache entries, and clearing the cache
// touches nothing else (sessions, rate-limit windows, locks and counters live outside it).

/** Logical-key prefixes inside the cache's subspace: entries apart from their bookkeeping. */
const ENTRY = `${CACHE_SUBSPACE}e:`;
const TAG_SET = `${CACHE_SUBSPACE}t:`;
const TAG_VERSION = `${CACHE_SUBSPACE}v:`;
const LOCK = `${CACHE_SUBSPACE}l:`;

/**
 * Where each kind of cache key lives in Redis: entries (`<namespace>:cache:e:<key>`), tag sets
 * (`…:cache:t:<tag>`), tag versions (`…:cache:v:<tag>`) and per-key locks (`…:cache:l:<key>`).
 * A caller's key can never name bookkeeping, whatever characters it holds.
 */
export class CacheKeyspace {
  constructor(private readonly namespace: KeyNamespace) {}

  /** The Redis key of the entry of `key`. */
  entry(key: string): string {
    return this.namespace.toRedisKey(`${ENTRY}${key}`);
  }

  /** The Redis key of the set of entries written under `tag`. */
  tagSet(tag: string): string {
    return this.namespace.toRedisKey(`${TAG_SET}${tag}`);
  }

  /** The Redis key of the current version of `tag`. */
  tagVersion(tag: string): string {
    return this.namespace.toRedisKey(`${TAG_VERSION}${tag}`);
  }

  /** The Redis key of the per-key lock of `key`. */
  lock(key: string): string {
    return this.namespace.toRedisKey(`${LOCK}${key}`);
  }

  /** The Redis key recording which server the cache last checked (see `ServerEpochGuard`). */
  get epoch(): string {
    return this.namespace.toRedisKey(`${CACHE_SUBSPACE}epoch`);
  }

  /** The logical prefix (inside the module's namespace) of the entries whose keys start with `prefix`. */
  entryPrefix(prefix: string): string {
    return `${ENTRY}${prefix}`;
  }

  /** The logical prefix of everything the cache writes. */
  get allPrefix(): string {
    return CACHE_SUBSPACE;
  }

  /** The cache key of an entry from its logical key in the module's namespace; `null` for bookkeeping. */
  keyOfEntry(namespacedKey: string): string | null {
    return namespacedKey.startsWith(ENTRY) ? namespacedKey.slice(ENTRY.length) : null;
  }
}
