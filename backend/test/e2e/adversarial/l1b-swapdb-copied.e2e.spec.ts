import { Redis } from 'ioredis';
import type { CacheService } from 'nestjs-coherent-cache';
import { aclMode, ADMIN_PASSWORD, ADMIN_USER } from '../../support/acl-mode.js';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * Blue/green by SWAPDB, done the careful way: copy the live dataset (DB 0) into DB 1 with
 * `COPY … DB 1` for every key SCAN finds, change what must change in DB 1, then `SWAPDB 0 1`.
 * README (memory tier): "Redis reports no change for SWAPDB …: a marker key in the cache
 * subspace, read every half heartbeat interval, catches it, and the tier starts empty".
 *
 * The marker is a key of the dataset like any other, so the copy carries it: after the swap the
 * marker holds the very token the process saw before, and the swap goes unnoticed. The change
 * made in DB 1 was tracked (tracking ignores the DB), which dropped the key; but the process
 * read it again from DB 0 before the swap, and keeps serving that swapped-out value.
 */
describe('adversarial: SWAPDB of a copied dataset (the marker copied with it)', () => {
  let server: RedisServer;
  let app: { cache: CacheService; close: () => Promise<void> };
  let noL1: { cache: CacheService; close: () => Promise<void> };
  let green: { cache: CacheService; close: () => Promise<void> };
  let raw: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `sc${Math.random().toString(36).slice(2, 8)}`;
    app = await startCacheService(`redis://127.0.0.1:${server.port}/0`, { keyPrefix });
    noL1 = await startCacheService(`redis://127.0.0.1:${server.port}/0`, {
      keyPrefix,
      caching: { memory: { enabled: false } },
    });
    green = await startCacheService(`redis://127.0.0.1:${server.port}/1`, {
      keyPrefix,
      caching: { memory: { enabled: false } },
    });
    raw = new Redis({
      port: server.port,
      ...(aclMode ? { username: ADMIN_USER, password: ADMIN_PASSWORD } : {}),
    });
    await waitFor(() => app.cache.memoryTier.mechanism === 'tracking', { what: 'armed' });
  });

  afterAll(async () => {
    raw?.disconnect();
    await app?.close();
    await noL1?.close();
    await green?.close();
    await server?.stop();
  });

  it('after SWAPDB 0 1 of a copy, a read returns what Redis now holds', async () => {
    await app.cache.set('price:1', 'blue-100', { ttlSeconds: 60 });
    await app.cache.set('price:2', 'blue-200', { ttlSeconds: 60 });
    // The process has checked its dataset marker (every half heartbeat, 500 ms).
    await sleep(1_200);

    // Copy the live dataset into DB 1, key by key.
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) await raw.copy(key, key, 'DB', 1, 'REPLACE');
    } while (cursor !== '0');

    // Change what must change in the green copy.
    await green.cache.set('price:1', 'green-120', { ttlSeconds: 60 });
    // Traffic goes on against DB 0 meanwhile: the process holds the blue value again.
    await waitFor(
      async () =>
        (await app.cache.get('price:1')) === 'blue-100' &&
        app.cache.peekFresh('price:1') !== undefined,
      { what: 'blue price held in memory' },
    );

    await raw.swapdb(0, 1);
    await sleep(1_200); // more than two marker checks

    expect(await noL1.cache.get('price:1')).toBe('green-120'); // what Redis holds now
    expect(await app.cache.get('price:1')).toBe('green-120');
  });
});
