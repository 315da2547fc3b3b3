import type { CacheEntry } from './cache-entry.js';

/** Keys remembered at most; past it the oldest record is forgotten (its key may load again). */
const MAX_KEYS = 10_000;

interface FailureRecord {
  /** The entry that was being served when the loader failed: its stored moment and fresh end. */
  storedAtMs: number;
  freshUntilMs: number;
  untilMs: number;
}

/**
 * Per key, in this process: after a loader failed while a stale (or fresh) entry could be served,
 * the entry is served without running the loader again until `untilMs`. A record applies only
 * to the entry it was made for: a newer value of the key (another process loaded it, or a
 * write) is not held back. Bounded by {@link MAX_KEYS}, oldest first.
 */
export class FailureBackoff {
  private readonly records = new Map<string, FailureRecord>();

  /** Records that the loader of `key` failed while `entry` was held; no-op when `backoffMs` is 0. */
  record(key: string, entry: CacheEntry, nowMs: number, backoffMs: number): void {
    if (!(backoffMs > 0)) return;
    this.records.delete(key);
    this.records.set(key, {
      storedAtMs: entry.storedAtMs,
      freshUntilMs: entry.freshUntilMs,
      untilMs: nowMs + backoffMs,
    });
    if (this.records.size > MAX_KEYS) {
      const oldest = this.records.keys().next();
      if (!oldest.done) this.records.delete(oldest.value);
    }
  }

  /** Whether the loader of `key` must not run again yet while `entry` is what is held. */
  holds(key: string, entry: CacheEntry, nowMs: number): boolean {
    const record = this.records.get(key);
    if (record === undefined) return false;
    if (nowMs >= record.untilMs) {
      this.records.delete(key);
      return false;
    }
    return record.storedAtMs === entry.storedAtMs && record.freshUntilMs === entry.freshUntilMs;
  }

  /** Forgets `key`: its loader succeeded. */
  clear(key: string): void {
    this.records.delete(key);
  }

  /** How many keys are backed off (or were, and have not been looked at since). */
  get size(): number {
    return this.records.size;
  }
}
