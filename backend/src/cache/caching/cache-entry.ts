/**
 * What is stored in Redis for one cached value: the value and the moments until which it is
 * fresh and until which it may still be served stale. Timestamps are epoch milliseconds.
 */
export interface CacheEntry<T = unknown> {
  /** The cached value (`null` when a null result was cached on purpose). */
  value: T;
  /** When the entry was written. */
  storedAtMs: number;
  /** Until this moment the entry is a plain hit. */
  freshUntilMs: number;
  /** Until this moment the entry may be served stale (revalidation or grace); then it is gone. */
  staleUntilMs: number;
}

/** The wire form: short field names keep every entry small. */
interface WireEntry {
  v: unknown;
  t: number;
  f: number;
  s: number;
}

/** Serialises an entry to the JSON text stored in Redis. */
export function encodeEntry(entry: CacheEntry): string {
  const wire: WireEntry = {
    v: entry.value === undefined ? null : entry.value,
    t: entry.storedAtMs,
    f: entry.freshUntilMs,
    s: entry.staleUntilMs,
  };
  return JSON.stringify(wire);
}

/** Parses stored text back into an entry; `null` when it is not an entry (then a miss). */
export function decodeEntry<T>(text: string): CacheEntry<T> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isWireEntry(parsed)) return null;
  return {
    value: parsed.v as T,
    storedAtMs: parsed.t,
    freshUntilMs: parsed.f,
    staleUntilMs: parsed.s,
  };
}

function isWireEntry(value: unknown): value is WireEntry {
  if (typeof value !== 'object' || value === null || !('v' in value)) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.t === 'number' && typeof record.f === 'number' && typeof record.s === 'number'
  );
}

/** Whether the entry is still fresh at `nowMs`. */
export function isFresh(entry: CacheEntry, nowMs: number): boolean {
  return nowMs < entry.freshUntilMs;
}

/** Whether the entry may still be served stale at `nowMs`. */
export function isServableStale(entry: CacheEntry, nowMs: number): boolean {
  return nowMs < entry.staleUntilMs;
}
