import { Cluster } from 'ioredis';
import type { RedisClient } from '../connection/redis-client.factory.js';
import type { RedisService } from '../connection/redis.service.js';
import { groupByKeySlot } from '../connection/slot-groups.js';
import {
  decodeEntryText,
  type CacheEntry,
  type EntryFormat,
  type StoredEntry,
} from './cache-entry.js';
import { sweepablePrefix } from '../keys/key-encoding.js';
import type { CacheKeyspace } from './cache-keyspace.js';
import { defineCacheScripts, scripts } from './cache-scripts.js';
import { newVersionToken } from './version-token.js';

/** Least life of a tag version (pushed out to cover every entry written under it), in ms. */
const TAG_VERSION_TTL_MS = 86_400_000;

/** How many keys one UNLINK carries. */
const UNLINK_CHUNK = 500;

/**
 * What a load recorded when it began: the versions of its key and of its tags. Its value is
 * stored only if they are unchanged at the moment of the write (in one script on Redis).
 */
export interface LoadTicket {
  keyToken: string;
  tags: readonly string[];
  tagTokens: readonly string[];
  /** The entry the key held when the load began, if a valid one (another process may have just stored it). */
  current: CacheEntry | null;
}

/** What a conditional write did: stored, refused (a version moved: the value is outdated), or failed (Redis). */
export type CommitResult = 'stored' | 'refused' | 'failed';

/** What {@link CacheEntryStore.lookup} found: an entry or a miss, or that Redis failed. */
export type StoreLookup<T> = { failed: false; entry: CacheEntry<T> | null } | { failed: true };

/** What {@link RedisEntryStore.read} found: the stored entry with its versions and text length. */
export type StoreRead<T> =
  | {
      failed: false;
      stored: StoredEntry<T> | null;
      sizeBytes: number;
      /** With `withTtl`: the key's remaining life in Redis (ms), `null` when it has none. */
      redisTtlMs?: number | null;
    }
  | { failed: true };

/** Per-read choices of {@link CacheEntryStore.lookup}. */
export interface LookupOptions {
  /** `false`: read Redis, never the memory tier, and keep nothing in memory. Default `true`. */
  memory?: boolean;
}

/**
 * Where `CacheService` reads and writes entries: the one seam between caching semantics and
 * storage. Reads and loads never throw because Redis failed; invalidations throw, so that a
 * caller never believes a removal happened when it did not.
 */
export interface CacheEntryStore {
  /** The valid entry at `key` (tags unchanged since it was written) or a miss, or that Redis failed. */
  lookup<T>(key: string, options?: LookupOptions): Promise<StoreLookup<T>>;
  /** Records the versions a load of `key` depends on; `null` when Redis failed (then nothing is stored). */
  begin(key: string, tags: readonly string[], pendingTtlMs: number): Promise<LoadTicket | null>;
  /** Stores `body` if the ticket's versions are unchanged. Never throws. */
  commit(key: string, body: string, ttlMs: number, ticket: LoadTicket): Promise<CommitResult>;
  /**
   * Whether the ticket's tag versions are still current. The commit script checks them itself
   * on one server; on a Cluster, where tags live on other nodes, this checks them after the write.
   */
  confirm(ticket: LoadTicket): Promise<boolean>;
  /**
   * Whether the versions the ticket recorded are still current (nothing was written, deleted or
   * invalidated since): proves a value that was not stored still current. Never throws.
   */
  verify(key: string, ticket: LoadTicket): Promise<boolean>;
  /** Removes the marker the ticket's load left, if nothing replaced it. Never throws. */
  abandon(key: string, ticket: LoadTicket): Promise<void>;
  /**
   * Stores `body` unconditionally, as a new version of `key` (a write); `false` when the store
   * cannot hold it (memory-only: larger than the tier's bytes). @throws on Redis failure
   */
  put(key: string, body: string, ttlMs: number, tags: readonly string[]): Promise<boolean>;
  /** Deletes entries (and loads in progress); returns how many existed. @throws on Redis failure */
  delete(keys: readonly string[]): Promise<number>;
  /** Deletes every entry whose key starts with `prefix`. @throws when the sweep did not complete */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Deletes every entry and all cache bookkeeping. @throws when the sweep did not complete */
  clear(): Promise<number>;
  /** Renews the versions of `tags` and deletes the entries their sets list. @throws on Redis failure */
  invalidateTags(tags: readonly string[]): Promise<number>;
}

/** Raised inside the store when a sweep stopped before the end; turned into a typed error above. */
class IncompleteSweepError extends Error {
  constructor(prefix: string) {
    super(`the sweep of prefix ${JSON.stringify(prefix)} did not complete`);
  }
}

/** Entries in Redis through `RedisService` (namespaced, bounded, breaker-guarded). */
export class RedisEntryStore implements CacheEntryStore {
  constructor(
    private readonly redis: RedisService,
    private readonly keyspace: CacheKeyspace,
    private readonly maxTagMembers: number,
    private readonly format: EntryFormat,
    /** Whether what Redis holds may be served (the server is the one last checked). */
    private readonly trusted: () => boolean | Promise<boolean> = () => true,
  ) {
    const client = redis.getClient();
    if (client) defineCacheScripts(client);
  }

  async lookup<T>(key: string): Promise<StoreLookup<T>> {
    const found = await this.read<T>(key);
    return found.failed ? found : { failed: false, entry: found.stored?.entry ?? null };
  }

  /**
   * Like {@link RedisEntryStore.lookup}, with the versions the entry was written under and the
   * length of its stored text (the memory tier holds both).
   */
  async read<T>(
    key: string,
    { withTtl = false }: { withTtl?: boolean } = {},
  ): Promise<StoreRead<T>> {
    const trusted = this.trusted();
    if (trusted !== true && !(await trusted)) return { failed: true };
    const redisKey = this.entryKey(key);
    let text: string | null;
    let redisTtlMs: number | null = null;
    try {
      if (withTtl) {
        [text, redisTtlMs] = await this.redis.execute({ operation: 'cache.get', key }, (c) =>
          readWithTtl(c, redisKey),
        );
      } else {
        text = await this.redis.execute({ operation: 'cache.get', key }, (c) => c.get(redisKey));
      }
    } catch {
      return { failed: true };
    }
    if (text === null) return { failed: false, stored: null, sizeBytes: 0 };
    const decoded = decodeEntryText<T>(text, this.format);
    if (decoded.kind === 'pending') return { failed: false, stored: null, sizeBytes: 0 };
    if (decoded.kind === 'corrupt') {
      void this.delete([key]).catch(() => undefined);
      return { failed: false, stored: null, sizeBytes: 0 };
    }
    const valid = await this.tagsCurrent(decoded.stored);
    if (valid === null) return { failed: true };
    const sizeBytes = decoded.stored.textLength;
    return { failed: false, stored: valid ? decoded.stored : null, sizeBytes, redisTtlMs };
  }

  async begin(
    key: string,
    tags: readonly string[],
    pendingTtlMs: number,
  ): Promise<LoadTicket | null> {
    const redisKey = this.entryKey(key);
    const token = newVersionToken();
    const uniqueTags = [...new Set(tags)];
    const local = this.isCluster() ? [] : uniqueTags;
    try {
      const reply = await this.redis.execute({ operation: 'cache.begin', key }, (c) =>
        scripts(c).cacheBeginLoad(
          1 + local.length,
          redisKey,
          ...local.map((t) => this.versionKey(t)),
          token,
          pendingTtlMs,
          TAG_VERSION_TTL_MS,
        ),
      );
      const [keyToken, currentText, ...localTokens] = reply;
      if (typeof keyToken !== 'string') return null;
      const tagTokens = this.isCluster()
        ? await Promise.all(uniqueTags.map((t) => this.clusterTagVersion(t, token)))
        : localTokens.map((t) => t ?? '');
      let current: CacheEntry | null = null;
      if (typeof currentText === 'string' && (await this.trusted()) === true) {
        const decoded = decodeEntryText(currentText, this.format);
        if (decoded.kind === 'entry' && (await this.tagsCurrent(decoded.stored)) === true) {
          current = decoded.stored.entry;
        }
      }
      return { keyToken, tags: uniqueTags, tagTokens, current };
    } catch {
      return null;
    }
  }

  async commit(
    key: string,
    body: string,
    ttlMs: number,
    ticket: LoadTicket,
  ): Promise<CommitResult> {
    try {
      const written = await this.writeEntry(key, body, ttlMs, ticket.tags, {
        keyToken: ticket.keyToken,
        tagTokens: ticket.tagTokens,
      });
      return written ? 'stored' : 'refused';
    } catch {
      return 'failed';
    }
  }

  async confirm(ticket: LoadTicket): Promise<boolean> {
    if (!this.isCluster() || ticket.tags.length === 0) return true;
    const current = await this.readVersions(ticket.tags);
    return current !== null && current.every((v, i) => v === ticket.tagTokens[i]);
  }

  async verify(key: string, ticket: LoadTicket): Promise<boolean> {
    const redisKey = this.entryKey(key);
    let text: string | null;
    try {
      text = await this.redis.execute({ operation: 'cache.verify', key }, (c) => c.get(redisKey));
    } catch {
      return false;
    }
    if (text === null) return false;
    const decoded = decodeEntryText(text, this.format);
    const token =
      decoded.kind === 'pending'
        ? decoded.token
        : decoded.kind === 'entry'
          ? decoded.stored.token
          : undefined;
    if (token !== ticket.keyToken) return false;
    if (ticket.tags.length === 0) return true;
    const current = await this.readVersions(ticket.tags);
    return current !== null && current.every((v, i) => v === ticket.tagTokens[i]);
  }

  async abandon(key: string, ticket: LoadTicket): Promise<void> {
    const redisKey = this.entryKey(key);
    try {
      await this.redis.execute({ operation: 'cache.abandon', key }, (c) =>
        scripts(c).cacheAbandonLoad(redisKey, ticket.keyToken),
      );
    } catch {
      // The marker expires on its own (maxLoadMs).
    }
  }

  async put(key: string, body: string, ttlMs: number, tags: readonly string[]): Promise<boolean> {
    await this.writeEntry(key, body, ttlMs, [...new Set(tags)], null);
    return true;
  }

  async delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.unlink(keys.map((k) => this.entryKey(k)));
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    return this.sweep(this.keyspace.entryPrefix(prefix));
  }

  async clear(): Promise<number> {
    return this.sweep(this.keyspace.allPrefix);
  }

  /**
   * SCAN + UNLINK of the logical prefix, or of its readable head when it is longer than a
   * shortened key keeps (more is deleted then, never less: a deletion may only cause misses).
   */
  private async sweep(logicalPrefix: string): Promise<number> {
    const sweepable = sweepablePrefix(this.redis.namespace.prefix, logicalPrefix);
    const { deleted, complete } = await this.redis.sweepPrefix(sweepable);
    if (!complete) throw new IncompleteSweepError(logicalPrefix);
    return deleted;
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const tag of new Set(tags)) {
      const tagKey = this.tagKey(tag);
      const versionKey = this.versionKey(tag);
      const token = newVersionToken();
      if (!this.isCluster()) {
        deleted += await this.redis.execute({ operation: 'cache.invalidate', key: tag }, (c) =>
          scripts(c).cacheTagInvalidate(tagKey, versionKey, token, TAG_VERSION_TTL_MS),
        );
        continue;
      }
      // The new version alone makes every entry of the tag a miss; deleting them frees memory.
      await this.redis.execute({ operation: 'cache.invalidate', key: tag }, (c) =>
        c.set(versionKey, token, 'PX', TAG_VERSION_TTL_MS),
      );
      const members = await this.redis.execute({ operation: 'cache.tags', key: tag }, (c) =>
        c.smembers(tagKey),
      );
      deleted += await this.unlink(members);
      await this.unlink([tagKey]);
    }
    return deleted;
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Runs the write script. With `expected`, refused (`false`) when a version moved since the load
   * began; without, an unconditional write that takes the tags' current versions.
   */
  private async writeEntry(
    key: string,
    body: string,
    ttlMs: number,
    tags: readonly string[],
    expected: { keyToken: string; tagTokens: readonly string[] } | null,
  ): Promise<boolean> {
    const redisKey = this.entryKey(key);
    const cluster = this.isCluster();
    const local = cluster ? [] : tags;
    const newToken = newVersionToken();
    let recorded: readonly string[] = [];
    if (cluster) {
      recorded =
        expected?.tagTokens ??
        (await Promise.all(tags.map((t) => this.clusterTagVersion(t, newToken))));
    }
    const keys = [
      redisKey,
      ...local.map((t) => this.tagKey(t)),
      ...local.map((t) => this.versionKey(t)),
    ];
    const args = [
      body,
      ttlMs,
      this.maxTagMembers,
      this.redis.settings.lateWriteGuard ? this.redis.writeDeadlineMs() : 0,
      newToken,
      expected?.keyToken ?? '',
      TAG_VERSION_TTL_MS,
      ...local.map((_, i) => expected?.tagTokens[i] ?? ''),
      ...recorded,
    ];
    const written = await this.redis.execute({ operation: 'cache.set', key }, (c) =>
      scripts(c).cacheEntryWrite(keys.length, ...keys, ...args),
    );
    if (written === 1 && cluster) await this.addToClusterTagSets(redisKey, tags, ttlMs);
    return written === 1;
  }

  /** Cluster: records the entry in its tag sets (memory is freed at invalidation; correctness rests on versions). */
  private async addToClusterTagSets(
    redisKey: string,
    tags: readonly string[],
    ttlMs: number,
  ): Promise<void> {
    await Promise.allSettled(
      tags.map((tag) =>
        this.redis.execute({ operation: 'cache.tag', key: tag }, (c) =>
          scripts(c).cacheTagAdd(this.tagKey(tag), redisKey, ttlMs, this.maxTagMembers),
        ),
      ),
    );
    await Promise.allSettled(
      tags.map((tag) =>
        this.redis.execute({ operation: 'cache.tag', key: tag }, (c) =>
          c.pexpire(this.versionKey(tag), ttlMs, 'GT'),
        ),
      ),
    );
  }

  private clusterTagVersion(tag: string, token: string): Promise<string> {
    return this.redis.execute({ operation: 'cache.tagVersion', key: tag }, (c) =>
      scripts(c).cacheTagVersion(this.versionKey(tag), token, TAG_VERSION_TTL_MS),
    );
  }

  /** `true` when every tag of the entry still has the version it was written under; `null` when Redis failed. */
  private async tagsCurrent(stored: StoredEntry): Promise<boolean | null> {
    const tags = stored.entry.tags ?? [];
    if (tags.length === 0) return true;
    const current = await this.readVersions(tags);
    if (current === null) return null;
    return current.every((v, i) => v === stored.tagTokens[i]);
  }

  /** The current versions of `tags` (`null` for a missing one), or `null` when Redis failed. */
  private async readVersions(tags: readonly string[]): Promise<(string | null)[] | null> {
    const versionKeys = tags.map((t) => this.versionKey(t));
    const groups = groupByKeySlot(this.redis.getClient(), versionKeys, (k) => k, 'slot');
    try {
      const found = new Map<string, string | null>();
      await Promise.all(
        groups.map(async (group) => {
          const values = await this.redis.execute({ operation: 'cache.tagVersion' }, (c) =>
            c.mget(...group),
          );
          group.forEach((k, i) => found.set(k, values[i] ?? null));
        }),
      );
      return versionKeys.map((k) => found.get(k) ?? null);
    } catch {
      return null;
    }
  }

  private entryKey(key: string): string {
    return this.keyspace.entry(key);
  }

  private versionKey(tag: string): string {
    return this.keyspace.tagVersion(tag);
  }

  private tagKey(tag: string): string {
    return this.keyspace.tagSet(tag);
  }

  private isCluster(): boolean {
    return this.redis.getClient() instanceof Cluster;
  }

  /** UNLINKs Redis keys in chunks (one key per call on a Cluster, where slots differ). @throws on failure */
  private async unlink(redisKeys: readonly string[]): Promise<number> {
    const size = this.isCluster() ? 1 : UNLINK_CHUNK;
    const chunks: string[][] = [];
    for (let i = 0; i < redisKeys.length; i += size) chunks.push(redisKeys.slice(i, i + size));
    const counts = await Promise.all(
      chunks.map((part) =>
        this.redis.execute({ operation: 'cache.del' }, (c) => c.unlink(...part)),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }
}

/**
 * `GET` and `PTTL` of `redisKey` in one round trip: the text, and the key's remaining life in
 * ms (`null` when it has none; `0` when it is already gone). A change between the two is a change of the key, which the
 * memory tier hears of and which keeps the read out of it.
 * @throws the pipeline's first error
 */
async function readWithTtl(
  client: RedisClient,
  redisKey: string,
): Promise<[string | null, number | null]> {
  const replies = (await client.pipeline().get(redisKey).pttl(redisKey).exec()) ?? [];
  const [getReply, ttlReply] = replies;
  const failure = getReply?.[0] ?? ttlReply?.[0];
  if (failure) throw failure;
  const text = (getReply?.[1] ?? null) as string | null;
  // -1: no TTL; -2: gone since the GET (kept out of memory as a zero life).
  const ttlMs = Number(ttlReply?.[1]);
  return [text, ttlMs === -1 ? null : Math.max(0, ttlMs)];
}
