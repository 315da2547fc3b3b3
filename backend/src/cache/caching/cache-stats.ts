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
}

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
});

/** Mutable counters behind `CacheStats`, bounded in the number of names. */
export class CacheCounters {
  private readonly total = emptyCounters();
  private readonly byName = new Map<string, CacheNameStats>();

  /** Adds 1 to `field` of `name` and of the total. */
  count(name: string, field: keyof CacheNameStats): void {
    this.total[field] += 1;
    this.forName(name)[field] += 1;
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
