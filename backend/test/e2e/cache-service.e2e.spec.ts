import { createStandaloneCache, type CacheService } from 'nestjs-coherent-cache';
import { startCacheService } from '../support/cache-service.fixture.js';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { sleep } from '../support/wait-for.js';

describe('CacheService.getOrSet against a real redis-server', () => {
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

  const redisKey = (key: string) => cache.keyspace.entry(key);

  it('loads on a miss, then answers from Redis, and counts both by name', async () => {
    let calls = 0;
    const loader = () => {
      calls += 1;
      return { id: 1, name: 'first' };
    };
    expect(await cache.getOrSet('p:1', loader, { ttlSeconds: 60, name: 'products' })).toEqual({
      id: 1,
      name: 'first',
    });
    expect(await cache.getOrSet('p:1', loader, { ttlSeconds: 60, name: 'products' })).toEqual({
      id: 1,
      name: 'first',
    });
    expect(calls).toBe(1);
    expect(cache.getStats().byName.products).toEqual({
      hits: 1,
      misses: 1,
      loads: 1,
      errors: 0,
      staleServed: 0,
      loadMs: expect.any(Number) as number,
    });
    expect(await server.cli('EXISTS', redisKey('p:1'))).toBe('1');
  });

  it('runs the loader once for 200 concurrent callers of one cold key', async () => {
    let calls = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        cache.getOrSet('cold:1', async () => {
          calls += 1;
          await sleep(50);
          return calls;
        }),
      ),
    );
    expect(calls).toBe(1);
    expect(new Set(results)).toEqual(new Set([1]));
  });

  it('spreads expiries by the jitter (±10 % by default)', async () => {
    const writtenAtMs = Date.now();
    const stored = await Promise.all(
      Array.from({ length: 100 }, (_, i) => cache.set(`jitter:${i}`, i, { ttlSeconds: 1000 })),
    );
    expect(stored.every(Boolean)).toBe(true);
    const ttls = await Promise.all(
      Array.from({ length: 100 }, async (_, i) =>
        Number(await server.cli('PTTL', redisKey(`jitter:${i}`))),
      ),
    );
    // Time spent between the writes and the last PTTL also comes off the remaining TTL.
    const elapsedMs = Date.now() - writtenAtMs;
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(900_000 - elapsedMs);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(1_100_000);
    expect(new Set(ttls.map((t) => Math.round(t / 10_000))).size).toBeGreaterThan(5);
  });

  it('never caches a loader error', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      throw new Error('database down');
    };
    await expect(cache.getOrSet('err:1', failing)).rejects.toThrow('database down');
    await expect(cache.getOrSet('err:1', failing)).rejects.toThrow('database down');
    expect(calls).toBe(2);
    expect(await server.cli('EXISTS', redisKey('err:1'))).toBe('0');
    expect(await cache.getOrSet('err:1', () => 'ok')).toBe('ok');
  });

  it('caches null only when asked, with its own TTL', async () => {
    let calls = 0;
    const loader = () => {
      calls += 1;
      return null;
    };
    await cache.getOrSet('null:1', loader);
    await cache.getOrSet('null:1', loader);
    expect(calls).toBe(2);
    expect(await cache.getOrSet('null:2', loader, { cacheNullTtlSeconds: 5 })).toBeNull();
    expect(await cache.getOrSet('null:2', loader, { cacheNullTtlSeconds: 5 })).toBeNull();
    expect(calls).toBe(3);
    const ttl = Number(await server.cli('PTTL', redisKey('null:2')));
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_500);
  });

  it('invalidates by tag without SCAN, and tag sets expire', async () => {
    await cache.set('t:a', 1, { ttlSeconds: 60, tags: ['product:42', 'products'] });
    await cache.set('t:b', 2, { ttlSeconds: 60, tags: ['products'] });
    await cache.set('t:c', 3, { ttlSeconds: 60, tags: ['other'] });
    const tagTtl = Number(await server.cli('PTTL', cache.keyspace.tagSet('products')));
    expect(tagTtl).toBeGreaterThan(50_000);
    expect(await cache.invalidateTags(['product:42'])).toBe(1);
    expect(await cache.get('t:a')).toBeNull();
    expect(await cache.get('t:b')).toBe(2);
    expect(await cache.invalidateTags(['products'])).toBe(1);
    expect(await cache.get('t:b')).toBeNull();
    expect(await cache.get('t:c')).toBe(3);
    expect(await server.cli('EXISTS', cache.keyspace.tagSet('products'))).toBe('0');
  });

  it('does not store a value above the size cap, but returns it', async () => {
    const big = 'x'.repeat(1_100_000);
    expect(await cache.getOrSet('big:1', () => big)).toBe(big);
    expect(await server.cli('EXISTS', redisKey('big:1'))).toBe('0');
    expect(await cache.set('big:2', big)).toBe(false);
  });

  it('serves stale while one caller revalidates in the background', async () => {
    let version = 0;
    const loader = async () => {
      version += 1;
      await sleep(30);
      return version;
    };
    const options = {
      ttlSeconds: 0.3,
      staleWhileRevalidateSeconds: 10,
      jitterRatio: 0,
      name: 'swr',
    };
    expect(await cache.getOrSet('swr:1', loader, options)).toBe(1);
    await sleep(400);
    const stale = await Promise.all(
      Array.from({ length: 20 }, () => cache.getOrSet('swr:1', loader, options)),
    );
    expect(stale).toEqual(Array(20).fill(1));
    await sleep(150);
    expect(version).toBe(2);
    expect(await cache.getOrSet('swr:1', loader, options)).toBe(2);
    expect(cache.getStats().byName.swr?.staleServed).toBe(20);
  });

  it('serves the stale value during grace when the loader fails', async () => {
    // Without a back-off the next call runs its loader again (the back-off has its own spec).
    const options = {
      ttlSeconds: 0.2,
      graceSeconds: 10,
      jitterRatio: 0,
      name: 'grace',
      failureBackoffMs: 0,
    };
    expect(await cache.getOrSet('grace:1', () => 'old', options)).toBe('old');
    await sleep(300);
    const served = await cache.getOrSet(
      'grace:1',
      () => {
        throw new Error('db down');
      },
      options,
    );
    expect(served).toBe('old');
    expect(await cache.getOrSet('grace:1', () => 'new', options)).toBe('new');
    expect(cache.getStats().byName.grace).toMatchObject({ errors: 1, staleServed: 1 });
  });

  it('deletes by key and by prefix', async () => {
    await cache.set('pre:1', 1);
    await cache.set('pre:2', 2);
    await cache.set('keep:1', 3);
    expect(await cache.del('pre:1')).toBe(1);
    expect(await cache.deleteByPrefix('pre:')).toBe(1);
    expect(await cache.get('keep:1')).toBe(3);
  });

  it("reports a key's metadata", async () => {
    await cache.set('meta:1', { a: 1 }, { ttlSeconds: 30, jitterRatio: 0 });
    const info = await cache.describe('meta:1');
    expect(info.exists).toBe(true);
    expect(info.ttlMs).toBeGreaterThan(29_000);
    expect(info.sizeBytes).toBeGreaterThan(5);
    expect((await cache.describe('meta:none')).exists).toBe(false);
  });
});

describe('CacheService across processes sharing one Redis', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('three services, 200 concurrent callers each on one cold key: one loader call in total', async () => {
    const keyPrefix = `shared${Math.random().toString(36).slice(2, 6)}`;
    const nodes = await Promise.all(
      [1, 2, 3].map(() => startCacheService(server.url, { keyPrefix })),
    );
    try {
      let calls = 0;
      const loader = async () => {
        calls += 1;
        await sleep(100);
        return { loadedBy: calls };
      };
      const results = await Promise.all(
        nodes.flatMap(({ cache }) =>
          Array.from({ length: 200 }, () =>
            cache.getOrSet('cold:shared', loader, { ttlSeconds: 60 }),
          ),
        ),
      );
      process.stdout.write(`cross-process getOrSet: 3 x 200 callers, loader calls = ${calls}\n`);
      expect(calls).toBe(1);
      expect(results.every((r) => r.loadedBy === 1)).toBe(true);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it('a value loaded before another process invalidated its tag is not stored', async () => {
    const keyPrefix = `race${Math.random().toString(36).slice(2, 6)}`;
    const [writer, invalidator] = await Promise.all([
      startCacheService(server.url, { keyPrefix }),
      startCacheService(server.url, { keyPrefix }),
    ]);
    try {
      let database = 'v1';
      const slowRead = async () => {
        const seen = database;
        await sleep(200);
        return seen;
      };
      const pending = writer.cache.getOrSet('race:1', slowRead, { tags: ['race'], ttlSeconds: 60 });
      await sleep(50);
      database = 'v2';
      await invalidator.cache.invalidateTags(['race']);
      expect(await pending).toBe('v1');
      expect(await server.cli('EXISTS', `${keyPrefix}:cache:e:race:1`)).toBe('0');
      expect(await writer.cache.getOrSet('race:1', slowRead, { tags: ['race'] })).toBe('v2');
      expect(await invalidator.cache.get('race:1')).toBe('v2');
    } finally {
      await Promise.all([writer.close(), invalidator.close()]);
    }
  });

  it('a waiter loads itself after the bound when the lock holder never writes', async () => {
    const keyPrefix = `dead${Math.random().toString(36).slice(2, 6)}`;
    const node = await startCacheService(server.url, {
      keyPrefix,
      caching: { lockWaitMs: 300 },
    });
    try {
      await server.cli('SET', `${keyPrefix}:cache:l:orphan`, 'someone-else', 'PX', '60000');
      const startedAt = Date.now();
      expect(await node.cache.getOrSet('orphan', () => 'loaded')).toBe('loaded');
      const waitedMs = Date.now() - startedAt;
      expect(waitedMs).toBeGreaterThanOrEqual(280);
      expect(waitedMs).toBeLessThan(3_000);
    } finally {
      await node.close();
    }
  });

  it('a hung Redis costs a call one command timeout: no lock, no write after the failed read', async () => {
    const local = await RedisServer.start();
    const node = await startCacheService(local.url, { commandTimeoutMs: 200 });
    try {
      local.pause();
      let calls = 0;
      const startedAt = Date.now();
      expect(await node.cache.getOrSet('hung', () => ++calls, { tags: ['t'] })).toBe(1);
      const tookMs = Date.now() - startedAt;
      local.resume();
      process.stdout.write(`getOrSet with Redis hung (200 ms command timeout): ${tookMs} ms\n`);
      expect(calls).toBe(1);
      expect(tookMs).toBeGreaterThanOrEqual(190);
      expect(tookMs).toBeLessThan(400);
      const prefix = node.redis.namespace.prefix;
      expect(await local.cli('EXISTS', `${prefix}:cache:e:hung`, `${prefix}:cache:l:hung`)).toBe(
        '0',
      );
    } finally {
      local.resume();
      await node.close();
      await local.stop();
    }
  });

  it('falls back to the loader at once when Redis is down, and never throws for it', async () => {
    const local = await RedisServer.start();
    const node = await startCacheService(local.url);
    try {
      await local.kill();
      let calls = 0;
      const startedAt = Date.now();
      for (let i = 0; i < 10; i += 1) {
        expect(await node.cache.getOrSet('down', () => ++calls)).toBe(calls);
      }
      expect(calls).toBe(10);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    } finally {
      await node.close();
      await local.stop();
    }
  });
});

describe('CacheService outside Nest', () => {
  it('works when built with createStandaloneCache, and closes', async () => {
    const server = await RedisServer.start();
    const standalone = await createStandaloneCache({
      connection: await productConnection(server.url, 'standalone'),
      keyPrefix: 'standalone',
    });
    try {
      expect(standalone.redis.isAvailable).toBe(true);
      let calls = 0;
      const load = () => ++calls;
      expect(await standalone.cache.getOrSet('k', load)).toBe(1);
      expect(await standalone.cache.getOrSet('k', load)).toBe(1);
      expect(await server.cli('EXISTS', 'standalone:cache:e:k')).toBe('1');
    } finally {
      await standalone.close();
      await server.stop();
    }
  });
});
