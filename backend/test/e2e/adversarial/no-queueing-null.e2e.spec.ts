/**
 * Adversarial: "No queueing. A result that is not stored is never produced one process after
 * another." A loader that answers `null` (a missing row, the most common cache miss there is)
 * without `cacheNullTtlSeconds` stores nothing, yet the lock holder releases its lock as if it
 * had stored a value (its outcome is "cacheable"): the waiting processes find no value, take the
 * lock one at a time and run their loaders one after another.
 */
import type { CacheService } from 'nestjs-coherent-cache';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep } from '../../support/wait-for.js';

describe('adversarial: results that are not stored, across processes', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  /** Runs `call` on every node at once; returns the peak number of loaders running together and each node's answer time. */
  async function race(
    nodes: { cache: CacheService }[],
    call: (cache: CacheService, loader: () => Promise<null>) => Promise<unknown>,
  ) {
    let running = 0;
    let peak = 0;
    let runs = 0;
    const loader = async () => {
      running += 1;
      runs += 1;
      peak = Math.max(peak, running);
      await sleep(200);
      running -= 1;
      return null;
    };
    const answeredInMs = await Promise.all(
      nodes.map(async ({ cache }) => {
        const startedAt = performance.now();
        await call(cache, loader);
        return Math.round(performance.now() - startedAt);
      }),
    );
    return { peak, runs, answeredInMs };
  }

  it('four processes whose loader answers null (not cached) do not run their loaders one after another', async () => {
    const keyPrefix = `advnull${Math.random().toString(36).slice(2, 6)}`;
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(() => startCacheService(server.url, { keyPrefix })),
    );
    try {
      const seen = await race(nodes, (cache, loader) =>
        cache.getOrSet('product:404', loader, { ttlSeconds: 60 }),
      );
      process.stdout.write(
        `[no-queueing-null] 4 processes, 200 ms loader answering null: ${JSON.stringify(seen)}\n`,
      );
      // Every loader ran (nothing was stored), so the waiters must have been let go together
      // after the holder: at least two loaders overlapped, and nobody waited for three others.
      expect(seen.runs).toBe(4);
      expect(seen.peak).toBeGreaterThanOrEqual(2);
      expect(Math.max(...seen.answeredInMs)).toBeLessThan(600);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});
