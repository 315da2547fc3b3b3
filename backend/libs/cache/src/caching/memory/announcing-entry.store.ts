import type { CacheKeyspace } from '../cache-keyspace.js';
import type {
  CacheEntryStore,
  CommitResult,
  LoadTicket,
  LookupOptions,
  StoreLookup,
} from '../redis-entry.store.js';
import type { Announcement, InvalidationAnnouncer } from './invalidation-announcement.js';

/**
 * The Redis entry store of a process whose own memory tier is off: it holds nothing in memory,
 * but announces every change it makes on the module's channel (best effort, once Redis has it),
 * so that peers whose memory tiers rely on those messages (no `CLIENT TRACKING`) drop what it
 * changed.
 */
export class AnnouncingEntryStore implements CacheEntryStore {
  constructor(
    private readonly store: CacheEntryStore,
    private readonly announcer: InvalidationAnnouncer,
    private readonly keyspace: CacheKeyspace,
  ) {}

  lookup<T>(key: string, options?: LookupOptions): Promise<StoreLookup<T>> {
    return this.store.lookup<T>(key, options);
  }

  begin(key: string, tags: readonly string[], pendingTtlMs: number): Promise<LoadTicket | null> {
    return this.store.begin(key, tags, pendingTtlMs);
  }

  async commit(
    key: string,
    body: string,
    ttlMs: number,
    ticket: LoadTicket,
  ): Promise<CommitResult> {
    const result = await this.store.commit(key, body, ttlMs, ticket);
    if (result === 'stored') await this.announce(this.entryKeys([key]));
    return result;
  }

  confirm(ticket: LoadTicket): Promise<boolean> {
    return this.store.confirm(ticket);
  }

  verify(key: string, ticket: LoadTicket): Promise<boolean> {
    return this.store.verify(key, ticket);
  }

  abandon(key: string, ticket: LoadTicket): Promise<void> {
    return this.store.abandon(key, ticket);
  }

  async put(key: string, body: string, ttlMs: number, tags: readonly string[]): Promise<boolean> {
    const stored = await this.store.put(key, body, ttlMs, tags);
    await this.announce(this.entryKeys([key]));
    return stored;
  }

  async delete(keys: readonly string[]): Promise<number> {
    const deleted = await this.store.delete(keys);
    if (keys.length > 0) await this.announce(this.entryKeys(keys));
    return deleted;
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    const deleted = await this.store.invalidateTags(tags);
    const redisKeys = tags.map((t) => this.keyspace.tagVersion(t));
    if (redisKeys.length > 0) await this.announce({ kind: 'keys', redisKeys });
    return deleted;
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const deleted = await this.store.deleteByPrefix(prefix);
    await this.announce({ kind: 'prefix', prefix });
    return deleted;
  }

  async clear(): Promise<number> {
    const deleted = await this.store.clear();
    await this.announce({ kind: 'all' });
    return deleted;
  }

  private entryKeys(keys: readonly string[]): Announcement {
    return { kind: 'keys', redisKeys: keys.map((k) => this.keyspace.entry(k)) };
  }

  /** Best effort: the change is made; a peer relying on messages may miss this one. */
  private announce(announcement: Announcement): Promise<void> {
    return this.announcer.publish(announcement).catch(() => undefined);
  }
}
