import { Redis } from 'ioredis';
import type { CacheService } from 'nestjs-coherent-cache';
import { aclMode, ADMIN_PASSWORD, ADMIN_USER } from '../../support/acl-mode.js';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * Hostile/careless operator: "a change to a key by ANY client (another process, redis-cli, a
 * script) drops it from every process's memory" (README, The memory tier). SWAPDB is how many
 * teams swap in a freshly warmed dataset atomically. Redis sends no tracking invalidation for
 * SWAPDB, so the memory tier keeps serving the values of the dataset that was swapped out,
 * while every read of Redis (and every process without L1) sees the new ones.
 */
describe('adversarial: SWAPDB by a raw client behind the memory tier', () => {
  let server: RedisServer;
  let a: { cache: CacheService; close: () => Promise<void> };
  let noL1: { cache: CacheService; close: () => Promise<void> };
  let warm: { cache: CacheService; close: () => Promise<void> };
  let raw: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `sw${Math.random().toString(36).slice(2, 8)}`;
    a = await startCacheService(`redis://127.0.0.1:${server.port}/0`, { keyPrefix });
    noL1 = await startCacheService(`redis://127.0.0.1:${server.port}/0`, {
      keyPrefix,
      caching: { memory: { enabled: false } },
    });
    // The "green" dataset, warmed in DB 1 by the same application (same prefix).
    warm = await startCacheService(`redis://127.0.0.1:${server.port}/1`, { keyPrefix });
    raw = new Redis({
      port: server.port,
      ...(aclMode ? { username: ADMIN_USER, password: ADMIN_PASSWORD } : {}),
    });
    await waitFor(() => a.cache.memoryTier.mechanism === 'tracking', { what: 'A armed' });
  });

  afterAll(async () => {
    raw?.disconnect();
    await a?.close();
    await noL1?.close();
    await warm?.close();
    await server?.stop();
  });

  it('after SWAPDB 0 1, a read returns what Redis now holds, not the swapped-out value', async () => {
    // The green dataset is warmed first (tracking is per key name, whatever the DB: a write
    // in DB 1 after A read would drop A's entry by accident).
    await warm.cache.set('price:1', 'green-120', { ttlSeconds: 60 });
    await a.cache.set('price:1', 'blue-100', { ttlSeconds: 60 });
    // Read until A holds it: a read that crossed the echo of A's own write is not kept.
    await waitFor(
      async () => (await a.cache.get('price:1')) === 'blue-100' && a.cache.memoryTier.entries > 0,
      { what: "the entry held in A's memory" },
    );

    await raw.swapdb(0, 1);
    await sleep(1_000); // far more than the δ of an invalidation message (p99 < 5 ms)

    // What Redis holds in DB 0 now, read by a process without the memory tier:
    expect(await noL1.cache.get('price:1')).toBe('green-120');
    // The process with the memory tier must agree.
    expect(await a.cache.get('price:1')).toBe('green-120');
    expect(await a.cache.getOrSet('price:1', () => 'loader-ran', { ttlSeconds: 60 })).toBe(
      'green-120',
    );
  });
});
