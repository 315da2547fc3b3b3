import type { CacheKeyspace } from '../cache-keyspace.js';
import type {
  CacheEntryStore,
  CommitResult,
  LoadTicket,
  LookupOptions,
  RedisEntryStore,
  StoreLookup,
} from '../redis-entry.store.js';
import type { MemoryCoherence } from './memory-coherence.js';
import type { MemoryTier } from './memory-tier.js';

/**
 * The Redis entry store with the memory tier in front: a read is answered from memory when the
 * tier holds the entry and is trusted; otherwise from Redis, and the reply enters the tier if
 * no invalidation of it arrived meanwhile. Every change this process makes drops the entries it
 * touches from memory before it is sent and again once it is done (a read of the old value
 * whose reply came in between is then not kept), and is announced to other processes when
 * Redis's tracking is not available.
 */
export class MemoryFrontedStore implements CacheEntryStore {
  constructor(
    private readonly redisStore: RedisEntryStore,
    private readonly tier: MemoryTier,
    private readonly coherence: MemoryCoherence,
    private readonly keyspace: CacheKeyspace,
  ) {}

  async lookup<T>(key: string, options?: LookupOptions): Promise<StoreLookup<T>> {
    const useMemory = options?.memory !== false;
    if (useMemory) {
      const held = this.tier.get<T>(key);
      if (held !== undefined) return { failed: false, entry: held };
    }
    const ticket = this.tier.beginRead();
    const found = await this.redisStore.read<T>(key, { withTtl: useMemory });
    if (found.failed) return found;
    const stored = found.stored;
    if (stored === null || !useMemory) return { failed: false, entry: stored?.entry ?? null };
    const tagVersionKeys = (stored.entry.tags ?? []).map((t) => this.keyspace.tagVersion(t));
    const entry = this.tier.admit(
      ticket,
      key,
      this.keyspace.entry(key),
      stored.entry,
      tagVersionKeys,
      found.sizeBytes,
      found.redisTtlMs ?? null,
    );
    return { failed: false, entry };
  }

  begin(key: string, tags: readonly string[], pendingTtlMs: number): Promise<LoadTicket | null> {
    return this.redisStore.begin(key, tags, pendingTtlMs);
  }

  async commit(
    key: string,
    body: string,
    ttlMs: number,
    ticket: LoadTicket,
  ): Promise<CommitResult> {
    const redisKeys = [this.keyspace.entry(key)];
    this.tier.invalidate(redisKeys);
    const result = await this.redisStore.commit(key, body, ttlMs, ticket);
    if (result !== 'stored') return result;
    this.tier.invalidate(redisKeys);
    // A stored load replaces what other processes may hold (a stale entry): best effort.
    await this.coherence.announce({ kind: 'keys', redisKeys }).catch(() => undefined);
    return result;
  }

  confirm(ticket: LoadTicket): Promise<boolean> {
    return this.redisStore.confirm(ticket);
  }

  verify(key: string, ticket: LoadTicket): Promise<boolean> {
    return this.redisStore.verify(key, ticket);
  }

  abandon(key: string, ticket: LoadTicket): Promise<void> {
    return this.redisStore.abandon(key, ticket);
  }

  put(key: string, body: string, ttlMs: number, tags: readonly string[]): Promise<boolean> {
    return this.changing([this.keyspace.entry(key)], () =>
      this.redisStore.put(key, body, ttlMs, tags),
    );
  }

  delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    return this.changing(
      keys.map((k) => this.keyspace.entry(k)),
      () => this.redisStore.delete(keys),
    );
  }

  invalidateTags(tags: readonly string[]): Promise<number> {
    return this.changing(
      tags.map((t) => this.keyspace.tagVersion(t)),
      () => this.redisStore.invalidateTags(tags),
    );
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    this.tier.invalidatePrefix(prefix);
    const deleted = await this.redisStore.deleteByPrefix(prefix);
    this.tier.invalidatePrefix(prefix);
    await this.coherence.announce({ kind: 'prefix', prefix });
    return deleted;
  }

  async clear(): Promise<number> {
    this.tier.invalidateAll();
    const deleted = await this.redisStore.clear();
    this.tier.invalidateAll();
    await this.coherence.announce({ kind: 'all' });
    return deleted;
  }

  /** Drops `redisKeys` from memory around `change`, then announces them. @throws what `change` throws */
  private async changing<R>(redisKeys: readonly string[], change: () => Promise<R>): Promise<R> {
    this.tier.invalidate(redisKeys);
    let result: R;
    try {
      result = await change();
    } finally {
      this.tier.invalidate(redisKeys);
    }
    await this.coherence.announce({ kind: 'keys', redisKeys });
    return result;
  }
}
