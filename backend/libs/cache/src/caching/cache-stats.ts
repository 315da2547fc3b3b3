import type { CacheLoader, LoaderContext } from './get-or-set.options.js';

/** Counters of one cache name (a route, a service method, or a caller-chosen name). */
export interface CacheNameStats {
  /** Reads answered from the cache (fresh or stale). */
  hits: number;
  /** Reads that found nothing usable. */
  misses: number;
  /** Loader calls made by this process. */
  loads: number;
  /** Loader calls that threw. */
  errors: number;
  /** Reads answered with a stale entry (revalidation or grace); also counted in `hits`. */
  staleServed: number;
  /** Time spent in loader calls, in milliseconds (with `loads`: the mean loader duration). */
  loadMs: number;
}

/** One loader call, as {@link CacheCounters.observeLoads} reports it. */
export interface LoaderCallEvent {
  /** The call name its counters are kept under (`other` past the bound on names). */
  name: string;
  durationMs: number;
  outcome: 'ok' | 'error';
  /** Whether it ran for no waiting caller (a background refresh). */
  background: boolean;
}

/** Receives every loader call (what it throws is ignored). */
export type LoaderCallObserver = (event: LoaderCallEvent) => void;

/** A plain snapshot of `CacheService`'s counters, safe to read at scrape time. */
export interface CacheStats {
  total: CacheNameStats;
  byName: Record<string, CacheNameStats>;
}

/** The name used when a caller gives none. */
export const DEFAULT_STATS_NAME = 'default';

/** Beyond this many distinct names, new names are counted under `other`. */
const MAX_NAMES = 500;

const emptyCounters = (): CacheNameStats => ({
  hits: 0,
  misses: 0,
  loads: 0,
  errors: 0,
  staleServed: 0,
  loadMs: 0,
});

/** Mutable counters behind `CacheStats`, bounded in the number of names. */
export class CacheCounters {
  private readonly total = emptyCounters();
  private readonly byName = new Map<string, CacheNameStats>();
  private readonly observers = new Set<LoaderCallObserver>();

  /** Adds 1 to `field` of `name` and of the total. */
  count(name: string, field: Exclude<keyof CacheNameStats, 'loadMs'>): void {
    this.total[field] += 1;
    this.forName(name)[field] += 1;
  }

  /** Records the end of a loader call of `name`: its time, its failure; tells the observers. */
  private loadEnded(name: string, durationMs: number, ok: boolean, background: boolean): void {
    const counters = this.forName(name);
    for (const target of [this.total, counters]) {
      target.loadMs += durationMs;
      if (!ok) target.errors += 1;
    }
    if (this.observers.size === 0) return;
    const event: LoaderCallEvent = {
      name: this.byName.get(name) === counters ? name : 'other',
      durationMs,
      outcome: ok ? 'ok' : 'error',
      background,
    };
    for (const observer of this.observers) {
      try {
        observer(event);
      } catch {
        // An observer's failure never fails a load.
      }
    }
  }

  /**
   * `loader` called with `context` and counted under `name`: `loads` when it starts, then its
   * time (`loadMs`) and failure (`errors`) when it ends.
   */
  countedLoader<T>(name: string, loader: CacheLoader<T>, context: LoaderContext): () => Promise<T> {
    return async () => {
      this.count(name, 'loads');
      const startedMs = performance.now();
      let ok = false;
      try {
        const value = await loader(context);
        ok = true;
        return value;
      } finally {
        this.loadEnded(name, performance.now() - startedMs, ok, context.background);
      }
    };
  }

  /** Calls `observer` after every loader call; returns a function that stops it. */
  observeLoads(observer: LoaderCallObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** A copy of every counter. */
  snapshot(): CacheStats {
    const byName: Record<string, CacheNameStats> = {};
    for (const [name, counters] of this.byName) byName[name] = { ...counters };
    return { total: { ...this.total }, byName };
  }

  private forName(name: string): CacheNameStats {
    let counters = this.byName.get(name);
    if (!counters) {
      const bucket = this.byName.size >= MAX_NAMES ? 'other' : name;
      counters = this.byName.get(bucket) ?? emptyCounters();
      this.byName.set(bucket, counters);
    }
    return counters;
  }
}
