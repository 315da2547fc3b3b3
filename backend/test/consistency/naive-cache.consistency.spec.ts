import { summaryLine } from '../support/consistency/history.format.js';
import { checkScheduledRuns, scheduledFailureText } from '../support/consistency/scheduled-run.js';
import type { CacheUnderTest } from '../support/consistency/workload.layout.js';

/** A store standing in for Redis, shared by the instances: entries and tag sets. */
class NaiveStore {
  readonly entries = new Map<string, unknown>();
  readonly tagMembers = new Map<string, Set<string>>();
}

const tick = () => Promise.resolve();

/**
 * The cache-aside everybody writes first: read; on a miss join this process's single flight or
 * start one; store whatever the loader returned. Invalidations only delete. Nothing checks that
 * an invalidation happened while the loader ran.
 */
class NaiveCache implements CacheUnderTest {
  private readonly flights = new Map<string, Promise<unknown>>();

  constructor(private readonly store: NaiveStore) {}

  async getOrSet<T>(
    key: string,
    loader: () => Promise<T>,
    options: { ttlSeconds: number; tags: string[] },
  ): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== null) return cached;
    let flight = this.flights.get(key);
    if (!flight) {
      flight = (async () => {
        try {
          const value = await loader();
          await this.set(key, value, options);
          return value;
        } finally {
          this.flights.delete(key);
        }
      })();
      this.flights.set(key, flight);
    }
    return flight as Promise<T>;
  }

  async get<T>(key: string): Promise<T | null> {
    await tick();
    return (this.store.entries.get(key) as T | undefined) ?? null;
  }

  async set<T>(key: string, value: T, options: { tags: string[] }): Promise<boolean> {
    await tick();
    this.store.entries.set(key, value);
    for (const tag of options.tags) {
      const members = this.store.tagMembers.get(tag) ?? new Set<string>();
      members.add(key);
      this.store.tagMembers.set(tag, members);
    }
    return true;
  }

  async del(...keys: string[]): Promise<number> {
    await tick();
    return keys.filter((key) => this.store.entries.delete(key)).length;
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    await tick();
    return [...this.store.entries.keys()]
      .filter((key) => key.startsWith(prefix))
      .filter((key) => this.store.entries.delete(key)).length;
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    await tick();
    let deleted = 0;
    for (const tag of tags) {
      for (const key of this.store.tagMembers.get(tag) ?? []) {
        if (this.store.entries.delete(key)) deleted += 1;
      }
      this.store.tagMembers.delete(tag);
    }
    return deleted;
  }
}

describe('the consistency checker on a naive cache', () => {
  it('finds and shrinks a violation of a naive cache-aside (fixed seed)', async () => {
    const result = await checkScheduledRuns({
      open: (instances) => {
        const store = new NaiveStore();
        const caches = Array.from({ length: instances }, () => new NaiveCache(store));
        return Promise.resolve({ caches, close: () => Promise.resolve() });
      },
      instances: 3,
      layout: { rows: 4, groups: 3 },
      numRuns: 200,
      maxSteps: 14,
      seed: 42,
      timeLimitMs: 20_000,
      // Nothing here waits on real I/O: the system is settled once pending callbacks have run.
      quietMs: 0,
    });
    const failure = result.failure;
    const violations = failure?.report.violations ?? [];
    console.log(
      summaryLine(
        'naive cache',
        { stats: result.stats, violations },
        { interleavings: result.runs, seed: result.seed },
      ),
    );
    expect(failure).toBeDefined();
    if (!failure) return;
    const text = scheduledFailureText(result, 'npm test -- naive-cache.consistency');
    console.log(text);
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]?.kind).toBe('stale');
    // Shrunk: one stale load, one write with its invalidation, one read after it (and maybe the
    // read that stored the stale value).
    expect(failure.records.length).toBeLessThanOrEqual(8);
    expect(text).toContain('<== VIOLATION');
    expect(text).toContain('seed: 42');
  }, 30_000);
});
