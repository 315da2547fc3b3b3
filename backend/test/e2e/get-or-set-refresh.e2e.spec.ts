import type { CacheService, LoaderContext } from 'nestjs-coherent-cache';
import { startCacheService } from '../support/cache-service.fixture.js';
import { RedisServer } from '../support/redis-server.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** A loader whose answers a test releases, recording what each call was told. */
class GatedLoader<T> {
  readonly calls: LoaderContext[] = [];
  private releases: ((value: T) => void)[] = [];

  readonly load = (context: LoaderContext): Promise<T> => {
    this.calls.push(context);
    return new Promise<T>((resolve) => this.releases.push(resolve));
  };

  /** Answers every call waiting so far with `value`. */
  release(value: T): void {
    const waiting = this.releases;
    this.releases = [];
    for (const resolve of waiting) resolve(value);
  }
}

describe('getOrSet: refresh ahead, soft timeout and failure back-off (real redis-server)', () => {
  let server: RedisServer;
  let cache: CacheService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    server = await RedisServer.start();
    ({ cache, close } = await startCacheService(server.url));
  });

  afterAll(async () => {
    await close();
    await server.stop();
  });

  it("records the loader's duration in the entry and in the stats", async () => {
    await cache.getOrSet(
      'timed:1',
      async () => {
        await sleep(60);
        return 1;
      },
      { ttlSeconds: 60, name: 'timed' },
    );
    const entry = await cache.getEntry('timed:1');
    expect(entry?.loadMs).toBeGreaterThanOrEqual(55);
    expect(cache.getStats().byName.timed?.loadMs).toBeGreaterThanOrEqual(55);
  });

  it('refreshes a hot key ahead of expiry: 20 callers hitting it for 2.5 s never find it expired', async () => {
    let version = 0;
    const contexts: boolean[] = [];
    const loader = async ({ background }: LoaderContext) => {
      contexts.push(background);
      await sleep(40);
      return (version += 1);
    };
    const options = { ttlSeconds: 1, jitterRatio: 0, name: 'ahead' };
    expect(await cache.getOrSet('ahead:1', loader, options)).toBe(1);
    const before = cache.getStats().byName.ahead;
    const endMs = Date.now() + 2_500;
    let decreased = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        let last = 0;
        while (Date.now() < endMs) {
          const value = await cache.getOrSet('ahead:1', loader, options);
          if (value < last) decreased += 1;
          last = value;
          await sleep(2);
        }
      }),
    );
    const after = cache.getStats().byName.ahead;
    process.stdout.write(
      `refresh ahead in process: 20 callers x 2.5 s on a 1 s TTL: ${contexts.length} loads ` +
        `(background: ${contexts.filter(Boolean).length}), misses after the first load: ` +
        `${(after?.misses ?? 0) - (before?.misses ?? 0)}\n`,
    );
    expect((after?.misses ?? 0) - (before?.misses ?? 0)).toBe(0);
    expect(contexts[0]).toBe(false);
    // One refresh per fresh life (1 s, refreshed a little early): 2 or 3 in 2.5 s.
    expect(contexts.slice(1).every(Boolean)).toBe(true);
    expect(contexts.length - 1).toBeGreaterThanOrEqual(2);
    expect(contexts.length - 1).toBeLessThanOrEqual(4);
    expect(decreased).toBe(0);
  });

  it('starts one refresh per key in the process, however many hits find it due', async () => {
    await cache.getOrSet('due:1', () => 'first', { ttlSeconds: 60 });
    const gated = new GatedLoader<string>();
    const hits = await Promise.all(
      Array.from({ length: 200 }, () =>
        cache.getOrSet('due:1', gated.load, { ttlSeconds: 60, refreshAheadBeta: 1e12 }),
      ),
    );
    expect(hits.every((v) => v === 'first')).toBe(true);
    await waitFor(() => gated.calls.length > 0, { what: 'the refresh' });
    expect(gated.calls).toEqual([{ background: true }]);
    gated.release('second');
    await waitFor(async () => (await cache.getEntry<string>('due:1'))?.value === 'second', {
      what: 'the refreshed value',
    });
    expect(await cache.getOrSet('due:1', () => 'third', { refreshAheadBeta: 0 })).toBe('second');
  });

  it('refreshAheadBeta: 0 turns it off for the call, and entries written by set never refresh ahead', async () => {
    let loads = 0;
    const loader = () => (loads += 1);
    await cache.getOrSet('off:1', loader, { ttlSeconds: 60 });
    for (let i = 0; i < 50; i += 1) await cache.getOrSet('off:1', loader, { refreshAheadBeta: 0 });
    await cache.set('off:2', 'written', { ttlSeconds: 60 });
    for (let i = 0; i < 50; i += 1) {
      expect(await cache.getOrSet('off:2', loader, { refreshAheadBeta: 1e12 })).toBe('written');
    }
    await sleep(50);
    expect(loads).toBe(1);
  });

  it('reads an entry written before loader durations were recorded, and never refreshes it ahead', async () => {
    const nowMs = Date.now();
    const body = JSON.stringify({
      v: 'old-format',
      t: nowMs,
      f: nowMs + 60_000,
      s: nowMs + 60_000,
    });
    await server.cli('SET', cache.keyspace.entry('legacy:1'), `tok1\n${body}`, 'PX', '60000');
    let loads = 0;
    for (let i = 0; i < 20; i += 1) {
      const value = await cache.getOrSet('legacy:1', () => (loads += 1), {
        refreshAheadBeta: 1e12,
      });
      expect(value).toBe('old-format');
    }
    await sleep(50);
    expect(loads).toBe(0);
  });

  it('keeps the contract: a refresh ahead that a del or a set overtook is not stored', async () => {
    for (const overtake of ['del', 'set'] as const) {
      const key = `race:${overtake}`;
      await cache.getOrSet(key, () => 'v1', { ttlSeconds: 60 });
      const gated = new GatedLoader<string>();
      expect(await cache.getOrSet(key, gated.load, { refreshAheadBeta: 1e12 })).toBe('v1');
      await waitFor(() => gated.calls.length === 1, { what: 'the refresh ahead' });
      // The refresh read its source before the change: its answer is outdated.
      if (overtake === 'del') await cache.del(key);
      else await cache.set(key, 'written', { ttlSeconds: 60 });
      gated.release('v1-reloaded');
      await sleep(100);
      const expected = overtake === 'del' ? 'v2' : 'written';
      expect(await cache.getOrSet(key, () => 'v2', { ttlSeconds: 60 })).toBe(expected);
      expect((await cache.getEntry(key))?.value).toBe(expected);
    }
  });

  it('a caller in grace waits at most softTimeoutMs, then gets the stale value while the load goes on', async () => {
    const options = { ttlSeconds: 0.2, graceSeconds: 30, jitterRatio: 0, name: 'soft' };
    await cache.getOrSet('soft:1', () => 'old', options);
    await sleep(300);
    let loads = 0;
    const slow = async () => {
      loads += 1;
      await sleep(400);
      return 'new';
    };
    let stale = 0;
    const startedMs = performance.now();
    const served = await cache.getOrSet('soft:1', slow, {
      ...options,
      softTimeoutMs: 50,
      onStale: () => (stale += 1),
    });
    const waitedMs = performance.now() - startedMs;
    process.stdout.write(
      `soft timeout 50 ms, loader 400 ms: stale value after ${waitedMs.toFixed(0)} ms\n`,
    );
    expect(served).toBe('old');
    expect(stale).toBe(1);
    expect(waitedMs).toBeLessThan(300);
    // The load went on and stored its value for the callers that come next.
    await waitFor(async () => (await cache.getEntry<string>('soft:1'))?.value === 'new', {
      what: 'the value of the load that went on',
    });
    expect(await cache.getOrSet('soft:1', slow, options)).toBe('new');
    expect(loads).toBe(1);

    // Infinity waits for the loader.
    await cache.set('soft:2', 'old', { ttlSeconds: 0.2, graceSeconds: 30, jitterRatio: 0 });
    await sleep(300);
    expect(
      await cache.getOrSet('soft:2', slow, { ...options, softTimeoutMs: Number.POSITIVE_INFINITY }),
    ).toBe('new');
  });

  it('after a loader failure in grace, serves the stale value without running the loader for the back-off', async () => {
    const options = {
      ttlSeconds: 0.2,
      graceSeconds: 30,
      jitterRatio: 0,
      name: 'backoff',
      failureBackoffMs: 600,
    };
    await cache.getOrSet('backoff:1', () => 'old', options);
    await sleep(300);
    let attempts = 0;
    const failing = () => {
      attempts += 1;
      throw new Error('db down');
    };
    for (let i = 0; i < 10; i += 1) {
      expect(await cache.getOrSet('backoff:1', failing, options)).toBe('old');
    }
    expect(attempts).toBe(1);
    await sleep(700);
    expect(await cache.getOrSet('backoff:1', () => 'new', options)).toBe('new');
    expect(cache.getStats().byName.backoff).toMatchObject({ errors: 1, staleServed: 10 });
  });

  it('a failed background revalidation backs off too', async () => {
    const options = {
      ttlSeconds: 0.2,
      staleWhileRevalidateSeconds: 30,
      jitterRatio: 0,
      failureBackoffMs: 60_000,
    };
    await cache.getOrSet('swr-fail:1', () => 'old', options);
    await sleep(300);
    let attempts = 0;
    const failing = async () => {
      attempts += 1;
      await sleep(10);
      throw new Error('db down');
    };
    for (let i = 0; i < 20; i += 1) {
      expect(await cache.getOrSet('swr-fail:1', failing, options)).toBe('old');
      await sleep(5);
    }
    expect(attempts).toBe(1);
  });
});
