/** Counts of responses the interceptor sent without storing them, by reason. */
export type NotStoredStats = Record<string, number>;

/** Beyond this many distinct reasons, new ones are counted under `other`. */
const MAX_REASONS = 64;

const shared = new WeakMap<object, NotStoredCounters>();

/**
 * Counters of the responses `CacheInterceptor` did not store (`credential`, `stream`,
 * `unreplayed-header`, …). One set per `CacheService`, so that every interceptor instance (the
 * module's, `APP_INTERCEPTOR`'s) counts in the same place.
 */
export class NotStoredCounters {
  private readonly counts = new Map<string, number>();

  /** The counters of `owner` (a `CacheService`). */
  static of(owner: object): NotStoredCounters {
    let counters = shared.get(owner);
    if (!counters) {
      counters = new NotStoredCounters();
      shared.set(owner, counters);
    }
    return counters;
  }

  count(reason: string): void {
    const bucket = this.counts.has(reason) || this.counts.size < MAX_REASONS ? reason : 'other';
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
  }

  snapshot(): NotStoredStats {
    return Object.fromEntries(this.counts);
  }
}
