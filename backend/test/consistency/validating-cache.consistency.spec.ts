import { summaryLine } from '../support/consistency/history.format.js';
import { checkScheduledRuns, scheduledFailureText } from '../support/consistency/scheduled-run.js';
import type { CacheUnderTest } from '../support/consistency/workload.layout.js';

const tick = () => Promise.resolve();

/**
 * A store standing in for Redis, used as the contract asks: every change of a key moves its
 * generation, a load stores its value only if the generation it saw before calling the loader
 * has not moved, and callers share a load only within one generation. The checker must find
 * nothing here.
 */
class ValidatingStore {
  readonly entries = new Map<string, unknown>();
  readonly generations = new Map<string, number>();
  readonly tagKeys = new Map<string, Set<string>>();

  generationOf(key: string): number {
    const known = this.generations.get(key);
    if (known !== undefined) return known;
    this.generations.set(key, 0);
    return 0;
  }

  tagKey(tags: readonly string[], key: string): void {
    for (const tag of tags) {
      const keys = this.tagKeys.get(tag) ?? new Set<string>();
      keys.add(key);
      this.tagKeys.set(tag, keys);
    }
  }

  invalidate(keys: Iterable<string>): number {
    let deleted = 0;
    for (const key of keys) {
      this.generations.set(key, this.generationOf(key) + 1);
      if (this.entries.delete(key)) deleted += 1;
    }
    return deleted;
  }
}

class ValidatingCache implements CacheUnderTest {
  private readonly flights = new Map<string, Promise<unknown>>();

  constructor(private readonly store: ValidatingStore) {}

  async getOrSet<T>(
    key: string,
    loader: () => Promise<T>,
    options: { ttlSeconds: number; tags: string[] },
  ): Promise<T> {
    await tick();
    if (this.store.entries.has(key)) return this.store.entries.get(key) as T;
    const generation = this.store.generationOf(key);
    this.store.tagKey(options.tags, key);
    const flightKey = `${key}@${generation}`;
    let flight = this.flights.get(flightKey);
    if (!flight) {
      flight = (async () => {
        try {
          const value = await loader();
          await tick();
          if (this.store.generationOf(key) === generation) this.store.entries.set(key, value);
          return value;
        } finally {
          this.flights.delete(flightKey);
        }
      })();
      this.flights.set(flightKey, flight);
    }
    return flight as Promise<T>;
  }

  async get<T>(key: string): Promise<T | null> {
    await tick();
    return (this.store.entries.get(key) as T | undefined) ?? null;
  }

  async set<T>(key: string, value: T, options: { tags: string[] }): Promise<boolean> {
    await tick();
    this.store.invalidate([key]);
    this.store.entries.set(key, value);
    this.store.tagKey(options.tags, key);
    return true;
  }

  async del(...keys: string[]): Promise<number> {
    await tick();
    return this.store.invalidate(keys);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    await tick();
    const keys = [...this.store.generations.keys()].filter((key) => key.startsWith(prefix));
    return this.store.invalidate(keys);
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    await tick();
    return this.store.invalidate(tags.flatMap((tag) => [...(this.store.tagKeys.get(tag) ?? [])]));
  }

  async clear(): Promise<number> {
    await tick();
    return this.store.invalidate([...this.store.generations.keys()]);
  }
}

describe('the consistency checker on a cache that validates its loads', () => {
  it('raises no false alarm on a cache that validates its loads (clear included)', async () => {
    const result = await checkScheduledRuns({
      open: (instances) => {
        const store = new ValidatingStore();
        const caches = Array.from({ length: instances }, () => new ValidatingCache(store));
        return Promise.resolve({ caches, close: () => Promise.resolve() });
      },
      instances: 3,
      layout: { rows: 4, groups: 3 },
      numRuns: 500,
      maxSteps: 14,
      seed: 42,
      timeLimitMs: 20_000,
      quietMs: 0,
    });
    const violations = result.failure?.report.violations ?? [];
    console.log(
      summaryLine(
        'validating cache',
        { stats: result.stats, violations },
        { interleavings: result.runs, seed: result.seed },
      ),
    );
    if (result.failure)
      throw new Error(scheduledFailureText(result, 'npm test -- validating-cache.consistency'));
    expect(result.runs).toBe(500);
    expect(result.stats.hits).toBeGreaterThan(0);
  }, 30_000);
});
