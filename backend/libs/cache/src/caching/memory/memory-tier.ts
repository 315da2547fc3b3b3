import { LRUCache } from 'lru-cache';
import { SYSTEM_CLOCK, type CacheClock } from '../cache-clock.js';
import type { CacheEntry } from '../cache-entry.js';
import type { ResolvedMemoryTierOptions } from './memory-tier.options.js';
import { isolate, release, type IsolatedValue } from './value-isolation.js';

/** One entry held in memory: decoded, with what it depends on in Redis. */
interface HeldEntry {
  /** The Redis key of the entry (invalidation messages name it). */
  redisKey: string;
  entry: CacheEntry;
  held: IsolatedValue;
  /** Redis keys of the versions of its tags: a change to one drops the entry. */
  tagVersionKeys: readonly string[];
}

/**
 * What a read recorded when it was sent to Redis: its reply may enter the memory tier only if
 * no invalidation of its key (or of its tags) arrived meanwhile and the link stayed up.
 */
export interface MemoryReadTicket {
  readonly seq: number;
  readonly generation: number;
}

/** Invalidation sequence numbers remembered per Redis key, for reads still in flight. */
const RECENT_INVALIDATIONS = 10_000;

/**
 * The memory tier (L1): decoded entries keyed by their Redis key, bounded by count and by bytes
 * (the length of the stored text), each for at most `maxTtlSeconds` and never past its own stale
 * life. An index from tag-version keys to entries lets an invalidation of a tag (a change to
 * its version key in Redis) drop every entry written under it.
 *
 * It is trusted only while the invalidation link is armed (or for `maxStalenessMs` after it
 * went down); whenever the link comes up again, everything held is dropped, since
 * invalidations may have been missed. A read reply is admitted only if no invalidation of its
 * key or tags arrived since the read was sent (the race of a reply against its own
 * invalidation), and only if the link did not go down meanwhile.
 */
export class MemoryTier {
  private readonly lru: LRUCache<string, HeldEntry>;
  /** Cache key of each held entry by its Redis key. */
  private readonly byRedisKey = new Map<string, string>();
  /** Cache keys of the held entries by the Redis keys of their tag versions. */
  private readonly byTagVersion = new Map<string, Set<string>>();
  private readonly recent = new Map<string, number>();
  /** Reads sent before this sequence number are never admitted (a flush, a forgotten key). */
  private floorSeq = 0;
  private seq = 0;
  private generation = 0;
  private armed = false;
  private downSinceMs = Number.NEGATIVE_INFINITY;

  /**
   * `clock` is what entry lives are measured on (`caching.clock`). With the system clock the
   * LRU keeps its own monotonic timer; with another, it reads that clock at every check (no
   * 1 ms caching of the time), so moving the clock expires entries at once.
   */
  constructor(
    private readonly options: ResolvedMemoryTierOptions,
    private readonly clock: CacheClock = SYSTEM_CLOCK,
  ) {
    this.lru = new LRUCache<string, HeldEntry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      dispose: (held, key) => this.unindex(key, held),
      ...(clock === SYSTEM_CLOCK ? {} : { perf: clock, ttlResolution: 0 }),
    });
  }

  /** How many unexpired entries are held (expired ones are dropped first). */
  get size(): number {
    this.lru.purgeStale();
    return this.lru.size;
  }

  /** The approximate bytes held (decoded text lengths) by unexpired entries. */
  get sizeBytes(): number {
    this.lru.purgeStale();
    return this.lru.calculatedSize;
  }

  /** Whether what is held may be served now. */
  get trusted(): boolean {
    if (this.armed) return true;
    return (
      this.options.maxStalenessMs > 0 &&
      performance.now() - this.downSinceMs <= this.options.maxStalenessMs
    );
  }

  /** Whether the invalidation link is armed. */
  get linkArmed(): boolean {
    return this.armed;
  }

  /** The entry held for `key`, as a caller may keep it, when trusted; `undefined` otherwise. */
  get<T>(key: string): CacheEntry<T> | undefined {
    if (!this.armed && !this.trusted) return undefined;
    const found = this.lru.get(key);
    if (found === undefined) return undefined;
    if (found.held.kind === 'frozen') return found.entry as CacheEntry<T>;
    return { ...found.entry, value: release(found.held) as T };
  }

  /** The cache keys of the entries held, in no particular order. */
  keys(): IterableIterator<string> {
    return this.lru.keys();
  }

  /** Remaining life of the entry held for `key` (ms; `-2` when none) and its text length. */
  describe(key: string): { ttlMs: number; sizeBytes: number } {
    if (!this.lru.has(key)) return { ttlMs: -2, sizeBytes: 0 };
    // lru-cache measures age against a time it caches until a timer clears it, so a busy event
    // loop makes its remaining TTL too long: the entry's own end, on this clock, bounds it.
    const staleUntilMs = this.lru.peek(key)?.entry.staleUntilMs ?? Number.POSITIVE_INFINITY;
    const ttlMs = Math.min(this.lru.getRemainingTTL(key), staleUntilMs - this.clock.now());
    const found = this.lru.info(key);
    return { ttlMs: Math.max(0, Math.floor(ttlMs)), sizeBytes: found?.size ?? 0 };
  }

  /** Records that a read of Redis is being sent now. */
  beginRead(): MemoryReadTicket {
    return { seq: this.seq, generation: this.generation };
  }

  /**
   * Holds `entry` of `key` (read from `redisKey` with `ticket`) unless an invalidation of it or of its
   * tag versions arrived since the read was sent, for no longer than the entry's stale life, the
   * tier's cap and `redisTtlMs` (the key's remaining life in Redis when read; `null`: none). Returns
   * what the caller may keep: the held entry when frozen, else a copy of its own.
   */
  admit<T>(
    ticket: MemoryReadTicket,
    key: string,
    redisKey: string,
    entry: CacheEntry<T>,
    tagVersionKeys: readonly string[],
    sizeBytes: number,
    redisTtlMs: number | null = null,
  ): CacheEntry<T> {
    if (!this.admissible(ticket, redisKey, tagVersionKeys)) return entry;
    const ttlMs = Math.min(
      this.options.maxTtlSeconds * 1000,
      entry.staleUntilMs - this.clock.now(),
      redisTtlMs ?? Number.POSITIVE_INFINITY,
    );
    if (ttlMs <= 0 || sizeBytes > this.options.maxBytes) return entry;
    const held = isolate(entry.value, this.options.isolation);
    const kept: CacheEntry = Object.freeze({
      ...entry,
      value: held.value,
      ...(entry.tags ? { tags: Object.freeze([...entry.tags]) } : {}),
    });
    this.lru.set(
      key,
      { redisKey, entry: kept, held, tagVersionKeys },
      { ttl: Math.max(1, Math.floor(ttlMs)), size: Math.max(1, sizeBytes) },
    );
    if (!this.lru.has(key)) return entry;
    this.byRedisKey.set(redisKey, key);
    for (const versionKey of tagVersionKeys) {
      let members = this.byTagVersion.get(versionKey);
      if (!members) this.byTagVersion.set(versionKey, (members = new Set()));
      members.add(key);
    }
    return held.kind === 'frozen'
      ? (kept as CacheEntry<T>)
      : { ...kept, value: release(held) as T };
  }

  /**
   * Drops what changed in Redis: an entry key drops its entry, a tag-version key every entry
   * written under that tag. Also outdates reads of these keys in flight. Returns how many
   * unexpired entries were dropped.
   */
  invalidate(redisKeys: Iterable<string>): number {
    this.seq += 1;
    let dropped = 0;
    for (const redisKey of redisKeys) {
      this.remember(redisKey);
      const key = this.byRedisKey.get(redisKey);
      if (key !== undefined) dropped += this.drop(key);
      const members = this.byTagVersion.get(redisKey);
      if (members) for (const member of [...members]) dropped += this.drop(member);
    }
    return dropped;
  }

  /**
   * Drops every entry whose cache key starts with `prefix`, and outdates every read in flight.
   * Returns how many unexpired entries were dropped.
   */
  invalidatePrefix(prefix: string): number {
    this.seq += 1;
    this.floorSeq = this.seq;
    let dropped = 0;
    for (const key of [...this.lru.keys()]) {
      if (key.startsWith(prefix)) dropped += this.drop(key);
    }
    return dropped;
  }

  /** Deletes `key`; 1 when it held an unexpired entry. */
  private drop(key: string): number {
    const live = this.lru.has(key);
    this.lru.delete(key);
    return live ? 1 : 0;
  }

  /** Drops everything (a flush, a link re-armed) and outdates every read in flight. */
  invalidateAll(): void {
    this.seq += 1;
    this.floorSeq = this.seq;
    this.recent.clear();
    this.lru.clear();
    this.byRedisKey.clear();
    this.byTagVersion.clear();
  }

  /** The invalidation link is armed: invalidations flow from now on; what is held is dropped. */
  linkUp(): void {
    this.invalidateAll();
    this.generation += 1;
    this.armed = true;
  }

  /** The invalidation link went down: reads in flight are not admitted; the tier is distrusted. */
  linkDown(): void {
    if (!this.armed) return;
    this.armed = false;
    this.generation += 1;
    this.downSinceMs = performance.now();
    if (this.options.maxStalenessMs === 0) this.invalidateAll();
  }

  private admissible(
    ticket: MemoryReadTicket,
    redisKey: string,
    tagVersionKeys: readonly string[],
  ): boolean {
    if (!this.armed || ticket.generation !== this.generation) return false;
    if (ticket.seq < this.floorSeq) return false;
    if ((this.recent.get(redisKey) ?? 0) > ticket.seq) return false;
    return tagVersionKeys.every((k) => (this.recent.get(k) ?? 0) <= ticket.seq);
  }

  private remember(redisKey: string): void {
    this.recent.delete(redisKey);
    this.recent.set(redisKey, this.seq);
    if (this.recent.size <= RECENT_INVALIDATIONS) return;
    const oldest = this.recent.entries().next().value;
    if (!oldest) return;
    this.recent.delete(oldest[0]);
    // A read older than the forgotten invalidation can no longer be checked: refuse it.
    this.floorSeq = Math.max(this.floorSeq, oldest[1]);
  }

  private unindex(key: string, held: HeldEntry): void {
    if (this.byRedisKey.get(held.redisKey) === key) this.byRedisKey.delete(held.redisKey);
    for (const versionKey of held.tagVersionKeys) {
      const members = this.byTagVersion.get(versionKey);
      if (!members) continue;
      members.delete(key);
      if (members.size === 0) this.byTagVersion.delete(versionKey);
    }
  }
}
