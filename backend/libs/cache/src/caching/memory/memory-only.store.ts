import type { CacheClock } from '../cache-clock.js';
import { decodeEntryText, type CacheEntry, type EntryFormat } from '../cache-entry.js';
import type { CacheKeyspace } from '../cache-keyspace.js';
import type {
  CacheEntryStore,
  CommitResult,
  LoadTicket,
  StoreLookup,
} from '../redis-entry.store.js';
import type { MemoryTier } from './memory-tier.js';

/** A load in progress: when it began (a change sequence number) and until when it may store. */
interface LiveLoad {
  key: string;
  tags: readonly string[];
  deadlineMs: number;
}

/** How many recorded changes trigger a pass that forgets those no load in progress needs. */
const PRUNE_ABOVE = 1_000;

/**
 * The store of the memory-only mode (no Redis configured): entries live in this process's
 * memory tier, for their full fresh and stale life, bounded by its entry and byte limits.
 *
 * It keeps the contract of the Redis store: a load stores its value only if no write or
 * invalidation of its key, of its tags, of a prefix of its key or of everything began after
 * the load began. Every change gets a sequence number; a load records the number current when
 * it began, and its commit is refused when a change it depends on has a later one. Changes are
 * remembered only while a load that began before them is still in progress.
 *
 * Entry lives and load deadlines follow `clock` (the tier's own TTLs follow the same clock).
 */
export class MemoryOnlyStore implements CacheEntryStore {
  private seq = 0;
  private readonly live = new Map<number, LiveLoad>();
  private readonly keyChanges = new Map<string, number>();
  private readonly tagChanges = new Map<string, number>();
  private prefixChanges: { prefix: string; seq: number }[] = [];
  private clearedSeq = 0;

  constructor(
    private readonly tier: MemoryTier,
    private readonly keyspace: CacheKeyspace,
    private readonly format: EntryFormat,
    private readonly clock: CacheClock,
  ) {
    tier.linkUp();
  }

  lookup<T>(key: string): Promise<StoreLookup<T>> {
    return Promise.resolve({ failed: false, entry: this.tier.get<T>(key) ?? null });
  }

  begin(key: string, tags: readonly string[], pendingTtlMs: number): Promise<LoadTicket | null> {
    this.seq += 1;
    const uniqueTags = [...new Set(tags)];
    this.live.set(this.seq, { key, tags: uniqueTags, deadlineMs: this.clock.now() + pendingTtlMs });
    const current = this.tier.get(key) ?? null;
    return Promise.resolve({
      keyToken: String(this.seq),
      tags: uniqueTags,
      tagTokens: [],
      current,
    });
  }

  commit(key: string, body: string, ttlMs: number, ticket: LoadTicket): Promise<CommitResult> {
    const began = Number(ticket.keyToken);
    const load = this.live.get(began);
    const current =
      load !== undefined &&
      load.deadlineMs >= this.clock.now() &&
      !this.changedSince(began, key, ticket.tags);
    // Ended after the check: the last load to end forgets the changes it would check.
    this.end(began);
    if (!current) return Promise.resolve('refused');
    this.hold(key, body, ttlMs, ticket.tags);
    return Promise.resolve('stored');
  }

  confirm(): Promise<boolean> {
    return Promise.resolve(true);
  }

  verify(key: string, ticket: LoadTicket): Promise<boolean> {
    const began = Number(ticket.keyToken);
    return Promise.resolve(this.live.has(began) && !this.changedSince(began, key, ticket.tags));
  }

  abandon(_key: string, ticket: LoadTicket): Promise<void> {
    this.end(Number(ticket.keyToken));
    return Promise.resolve();
  }

  put(key: string, body: string, ttlMs: number, tags: readonly string[]): Promise<boolean> {
    this.changeKeys([key]);
    this.hold(key, body, ttlMs, [...new Set(tags)]);
    return Promise.resolve(this.tier.describe(key).ttlMs !== -2);
  }

  delete(keys: readonly string[]): Promise<number> {
    return Promise.resolve(this.changeKeys(keys));
  }

  deleteByPrefix(prefix: string): Promise<number> {
    this.seq += 1;
    if (this.live.size > 0) this.prefixChanges.push({ prefix, seq: this.seq });
    const dropped = this.tier.invalidatePrefix(prefix);
    this.prune();
    return Promise.resolve(dropped);
  }

  clear(): Promise<number> {
    const before = this.tier.size;
    this.seq += 1;
    this.clearedSeq = this.seq;
    this.tier.invalidateAll();
    return Promise.resolve(before);
  }

  invalidateTags(tags: readonly string[]): Promise<number> {
    this.seq += 1;
    const unique = [...new Set(tags)];
    if (this.live.size > 0) for (const tag of unique) this.tagChanges.set(tag, this.seq);
    const dropped = this.tier.invalidate(unique.map((t) => this.keyspace.tagVersion(t)));
    this.prune();
    return Promise.resolve(dropped);
  }

  /** The cache keys held, in no particular order. */
  keys(): IterableIterator<string> {
    return this.tier.keys();
  }

  /** Remaining life of the entry at `key` (ms; `-2` when missing) and the length of its text. */
  describe(key: string): { ttlMs: number; sizeBytes: number } {
    return this.tier.describe(key);
  }

  private hold(key: string, body: string, ttlMs: number, tags: readonly string[]): void {
    const header = ['0', ...tags.map(() => '0')].join('\t');
    const decoded = decodeEntryText(`${header}\n${body}`, this.format);
    if (decoded.kind !== 'entry') return;
    const entry: CacheEntry = decoded.stored.entry;
    const read = this.tier.beginRead();
    const tagVersionKeys = tags.map((t) => this.keyspace.tagVersion(t));
    // The entry's own stale life bounds it; the tier's TTL cap is set high for this mode.
    const life = { ...entry, staleUntilMs: Math.min(entry.staleUntilMs, this.clock.now() + ttlMs) };
    const sizeBytes = decoded.stored.textLength;
    this.tier.admit(read, key, this.keyspace.entry(key), life, tagVersionKeys, sizeBytes);
  }

  /** Records a change of `keys` and drops their entries; returns how many were held. */
  private changeKeys(keys: readonly string[]): number {
    this.seq += 1;
    if (this.live.size > 0) for (const key of keys) this.keyChanges.set(key, this.seq);
    const dropped = this.tier.invalidate(keys.map((k) => this.keyspace.entry(k)));
    this.prune();
    return dropped;
  }

  private changedSince(began: number, key: string, tags: readonly string[]): boolean {
    if (this.clearedSeq > began) return true;
    if ((this.keyChanges.get(key) ?? 0) > began) return true;
    if (tags.some((t) => (this.tagChanges.get(t) ?? 0) > began)) return true;
    return this.prefixChanges.some((c) => c.seq > began && key.startsWith(c.prefix));
  }

  private end(began: number): void {
    this.live.delete(began);
    if (this.live.size === 0) this.forgetChanges();
  }

  /** Forgets loads past their deadline and changes older than every load in progress. */
  private prune(): void {
    if (this.keyChanges.size + this.tagChanges.size + this.prefixChanges.length < PRUNE_ABOVE) {
      return;
    }
    const nowMs = this.clock.now();
    for (const [began, load] of this.live) if (load.deadlineMs < nowMs) this.live.delete(began);
    const oldest = this.live.keys().next();
    if (oldest.done) {
      this.forgetChanges();
      return;
    }
    const floor = oldest.value;
    for (const [key, seq] of this.keyChanges) if (seq <= floor) this.keyChanges.delete(key);
    for (const [tag, seq] of this.tagChanges) if (seq <= floor) this.tagChanges.delete(tag);
    this.prefixChanges = this.prefixChanges.filter((c) => c.seq > floor);
    if (this.keyChanges.size + this.tagChanges.size + this.prefixChanges.length >= PRUNE_ABOVE) {
      // Too many changes behind a slow load to remember one by one: outdate every load in
      // progress instead (they store nothing; their callers still get their values).
      this.clearedSeq = this.seq;
      this.forgetChanges();
    }
  }

  private forgetChanges(): void {
    this.keyChanges.clear();
    this.tagChanges.clear();
    this.prefixChanges = [];
  }
}
