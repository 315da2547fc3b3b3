/**
 * Regression tests of the consistency contract (issue 11) for the module's other writers of
 * entries: the warming service writes what `getOrSet` reads, and TTL jitter never lengthens an
 * entry's life.
 */
import { CacheService, CacheWarmerService } from 'nestjs-coherent-cache';
import { startRedisService } from '../support/redis-service.fixture.js';
import { RedisServer } from '../support/redis-server.js';

describe('consistency regressions of the writers of entries', () => {
  let server: RedisServer;
  let cache: CacheService;
  let warmer: CacheWarmerService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    server = await RedisServer.start();
    const node = await startRedisService(server.url);
    cache = node.get(CacheService);
    warmer = node.get(CacheWarmerService);
    close = node.close;
  });

  afterAll(async () => {
    await close();
    await server.stop();
  });

  it('8. a key warmed by CacheWarmerService is a hit for getOrSet: the loader does not run', async () => {
    const warmed = { id: 1, name: 'warmed ahead of traffic' };
    const report = await warmer.warm(['warm:product:1'], () => Promise.resolve(warmed), {
      ttlSeconds: 60,
    });
    expect(report).toMatchObject({ warmed: 1, failed: 0 });
    let loaderCalls = 0;
    const value = await cache.getOrSet(
      'warm:product:1',
      () => {
        loaderCalls += 1;
        return { id: 1, name: 'loaded from the database' };
      },
      { ttlSeconds: 60 },
    );
    process.stdout.write(
      `[8] getOrSet after warming: ${JSON.stringify(value)}, loader calls = ${loaderCalls}\n`,
    );
    expect({ value, loaderCalls }).toEqual({ value: warmed, loaderCalls: 0 });
  });

  it('9. with jitter on, no write is fresh longer than ttlSeconds, nor lives in Redis longer than ttl + stale window', async () => {
    const ttlMs = 10_000;
    const graceMs = 5_000;
    const writes = 200;
    const written = await Promise.all(
      Array.from({ length: writes }, async (_, i) => {
        const key = `jitter:${i}`;
        if (i % 2 === 0) {
          await cache.set(key, i, { ttlSeconds: ttlMs / 1000 });
          return { key, lifeBoundMs: ttlMs };
        }
        await cache.getOrSet(key, () => i, {
          ttlSeconds: ttlMs / 1000,
          graceSeconds: graceMs / 1000,
          jitterRatio: 0.2,
        });
        return { key, lifeBoundMs: ttlMs + graceMs };
      }),
    );
    const measured = await Promise.all(
      written.map(async ({ key, lifeBoundMs }) => {
        const entry = await cache.getEntry(key);
        const { ttlMs: pttlMs } = await cache.describe(key);
        return {
          freshMs: entry === null ? Number.NaN : entry.freshUntilMs - entry.storedAtMs,
          pttlMs,
          lifeBoundMs,
        };
      }),
    );
    const longestFreshMs = Math.max(...measured.map((m) => m.freshMs));
    const tooFresh = measured.filter((m) => !(m.freshMs <= ttlMs)).length;
    const tooLong = measured.filter((m) => !(m.pttlMs > 0 && m.pttlMs <= m.lifeBoundMs)).length;
    process.stdout.write(
      `[9] ${writes} writes of ttl 10 s: longest fresh life ${longestFreshMs} ms; fresh > ttl: ` +
        `${tooFresh}; PTTL above ttl + stale window: ${tooLong}\n`,
    );
    expect({ tooFresh, tooLong }).toEqual({ tooFresh: 0, tooLong: 0 });
  });
});
