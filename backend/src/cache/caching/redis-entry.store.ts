import { Cluster } from 'ioredis';
import type { RedisService } from '../connection/redis.service.js';
import { decodeEntry, type CacheEntry } from './cache-entry.js';
import { defineCacheScripts, scripts } from './cache-scripts.js';

/** Logical-key prefix of tag sets; keys written by callers never start with it. */
export const TAG_KEY_PREFIX = '__tag:';

/** Logical-key prefix of tag versions, moved by every invalidation of the tag. */
export const TAG_VERSION_KEY_PREFIX = '__tagv:';

/** How long a tag version outlives its last invalidation (longer than any load), in ms. */
const TAG_VERSION_TTL_MS = 86_400_000;

/** How many keys one UNLINK carries. */
const UNLINK_CHUNK = 500;

/**
 * Where `CacheService` reads and writes entries: the one seam between caching semantics and
 * storage. Every method is bounded and never throws because Redis failed.
 */
export interface CacheEntryStore {
  /** The entry at `key`, or `null` (miss, undecodable, or Redis failed). */
  read<T>(key: string): Promise<CacheEntry<T> | null>;
  /** Like `read`, and tells a miss from a read that failed (Redis down, slow or refusing). */
  lookup<T>(key: string): Promise<StoreLookup<T>>;
  /**
   * Stores serialised entry text for `ttlMs` under `tags`. With `tagVersions` (from
   * `readTagVersions` before the load), the write is refused if a tag was invalidated since.
   */
  write(
    key: string,
    text: string,
    ttlMs: number,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<boolean>;
  /** The current versions of `tags`, or `null` when Redis could not tell. */
  readTagVersions(tags: readonly string[]): Promise<string[] | null>;
  /** Deletes entries; returns how many existed. */
  delete(keys: readonly string[]): Promise<number>;
  /** Deletes every entry whose key starts with `prefix` (SCAN + UNLINK). */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Deletes every entry registered under any of `tags`, and the tag sets. */
  invalidateTags(tags: readonly string[]): Promise<number>;
}

/** What {@link CacheEntryStore.lookup} found: an entry or a miss, or that Redis failed. */
export type StoreLookup<T> = { failed: false; entry: CacheEntry<T> | null } | { failed: true };

/** Entries in Redis through `RedisService` (namespaced, bounded, breaker-guarded). */
export class RedisEntryStore implements CacheEntryStore {
  constructor(
    private readonly redis: RedisService,
    private readonly maxTagMembers: number,
  ) {
    const client = redis.getClient();
    if (client) defineCacheScripts(client);
  }

  async read<T>(key: string): Promise<CacheEntry<T> | null> {
    const found = await this.lookup<T>(key);
    return found.failed ? null : found.entry;
  }

  async lookup<T>(key: string): Promise<StoreLookup<T>> {
    const redisKey = this.redis.namespace.toRedisKey(key);
    let text: string | null;
    try {
      text = await this.redis.execute({ operation: 'cache.get', key }, (c) => c.get(redisKey));
    } catch {
      return { failed: true };
    }
    if (text === null) return { failed: false, entry: null };
    const entry = decodeEntry<T>(text);
    if (entry === null) void this.delete([key]);
    return { failed: false, entry };
  }

  async write(
    key: string,
    text: string,
    ttlMs: number,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<boolean> {
    const redisKey = this.redis.namespace.toRedisKey(key);
    if (tags.length > 0 && !this.isCluster()) {
      const keys = [
        redisKey,
        ...tags.map((t) => this.tagKey(t)),
        ...tags.map((t) => this.versionKey(t)),
      ];
      const args = [text, ttlMs, this.maxTagMembers, this.redis.writeDeadlineMs()];
      const versions = tags.map((_, i) => tagVersions?.[i] ?? '*');
      try {
        const written = await this.redis.execute({ operation: 'cache.set', key }, (c) =>
          scripts(c).cacheTaggedWrite(keys.length, ...keys, ...args, ...versions),
        );
        return written === 1;
      } catch {
        return false;
      }
    }
    // A Cluster spreads the keys over slots: tags first, then the entry, as separate commands
    // on one connection, in order (no version check there).
    const tagWrites = tags.map((tag) =>
      this.redis
        .execute({ operation: 'cache.tag', key: tag }, (c) =>
          scripts(c).cacheTagAdd(this.tagKey(tag), redisKey, ttlMs, this.maxTagMembers, 0),
        )
        .then(() => true),
    );
    const entryWrite = this.redis
      .executeWrite({ operation: 'cache.set', key }, [redisKey], 'SET', [
        redisKey,
        text,
        'PX',
        ttlMs,
      ])
      .then(() => true);
    const results = await Promise.allSettled([...tagWrites, entryWrite]);
    const failed = results.some((r) => r.status === 'rejected');
    // An entry whose tags could not all be recorded could outlive an invalidation: drop it.
    if (failed && results.at(-1)?.status === 'fulfilled') await this.delete([key]);
    return !failed;
  }

  async readTagVersions(tags: readonly string[]): Promise<string[] | null> {
    if (tags.length === 0) return [];
    const versionKeys = tags.map((t) => this.versionKey(t));
    try {
      const values = this.isCluster()
        ? await Promise.all(
            versionKeys.map((k) =>
              this.redis.execute({ operation: 'cache.tagVersion', key: k }, (c) => c.get(k)),
            ),
          )
        : await this.redis.execute({ operation: 'cache.tagVersion' }, (c) =>
            c.mget(...versionKeys),
          );
      return values.map((v) => v ?? '0');
    } catch {
      return null;
    }
  }

  async delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.unlink(keys.map((k) => this.redis.namespace.toRedisKey(k)));
  }

  deleteByPrefix(prefix: string): Promise<number> {
    return this.redis.deleteByPrefix(prefix);
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const tag of new Set(tags)) {
      const tagKey = this.tagKey(tag);
      const versionKey = this.versionKey(tag);
      if (!this.isCluster()) {
        try {
          deleted += await this.redis.execute({ operation: 'cache.invalidate', key: tag }, (c) =>
            scripts(c).cacheTagInvalidate(tagKey, versionKey, TAG_VERSION_TTL_MS),
          );
        } catch {
          // Counted and logged by RedisService.
        }
        continue;
      }
      let members: string[];
      try {
        members = await this.redis.execute({ operation: 'cache.tags', key: tag }, (c) =>
          c.smembers(tagKey),
        );
      } catch {
        continue;
      }
      deleted += await this.unlink(members);
      await this.unlink([tagKey]);
    }
    return deleted;
  }

  private versionKey(tag: string): string {
    return this.redis.namespace.toRedisKey(`${TAG_VERSION_KEY_PREFIX}${tag}`);
  }

  private tagKey(tag: string): string {
    return this.redis.namespace.toRedisKey(`${TAG_KEY_PREFIX}${tag}`);
  }

  private isCluster(): boolean {
    return this.redis.getClient() instanceof Cluster;
  }

  /** UNLINKs Redis keys in chunks (one key per call on a Cluster, where slots differ). */
  private async unlink(redisKeys: readonly string[]): Promise<number> {
    const size = this.isCluster() ? 1 : UNLINK_CHUNK;
    let deleted = 0;
    for (let i = 0; i < redisKeys.length; i += size) {
      const part = redisKeys.slice(i, i + size);
      try {
        deleted += await this.redis.execute({ operation: 'cache.del' }, (c) => c.unlink(...part));
      } catch {
        // Counted and logged by RedisService; the rest is still attempted.
      }
    }
    return deleted;
  }
}
