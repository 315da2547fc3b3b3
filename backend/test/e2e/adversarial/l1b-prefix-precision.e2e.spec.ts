import type { CacheService } from 'nestjs-coherent-cache';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * README (Consistency): "Precision. An invalidation affects the keys it names"; (memory tier):
 * "a hit costs neither a round trip nor a parse", and "a change to an entry … drops it from
 * every process's memory". A prefix deletion names the keys under its prefix.
 *
 * `deleteByPrefix` (and so every `@CachePut` route, which deletes the variants of its path
 * first) announces `*` on the module's channel, which every process's link also listens to in
 * tracking mode: each process, the caller included once the echo comes back, drops its whole
 * memory tier. One `PUT /products/1` with `@CachePut` anywhere in the fleet costs every process
 * a Redis round trip on every hot key, unrelated ones included.
 */
describe('adversarial: a prefix deletion empties the whole memory tier of every process', () => {
  let server: RedisServer;
  let a: { cache: CacheService; close: () => Promise<void> };
  let b: { cache: CacheService; close: () => Promise<void> };

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `pp${Math.random().toString(36).slice(2, 8)}`;
    a = await startCacheService(server.url, { keyPrefix });
    b = await startCacheService(server.url, { keyPrefix });
    await waitFor(
      () =>
        a.cache.memoryTier.mechanism === 'tracking' && b.cache.memoryTier.mechanism === 'tracking',
      { what: 'both tiers armed' },
    );
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  async function held(cache: CacheService, key: string): Promise<void> {
    await waitFor(
      async () => (await cache.get(key)) !== null && cache.peekFresh(key) !== undefined,
      {
        what: `${key} held in memory`,
      },
    );
  }

  it('a prefix deletion in another process leaves unrelated entries in memory', async () => {
    await a.cache.set('product:1', { name: 'lamp' }, { ttlSeconds: 60 });
    await a.cache.set('session-view:9', 'old', { ttlSeconds: 60 });
    await held(a.cache, 'product:1');
    await held(a.cache, 'session-view:9');

    await b.cache.deleteByPrefix('session-view:');
    await waitFor(() => a.cache.peekFresh('session-view:9') === undefined, {
      what: 'the deleted entry dropped',
    });
    await sleep(200);

    // Still held: the next read is answered from memory, without a round trip.
    expect(a.cache.peekFresh('product:1')).toEqual({ value: { name: 'lamp' } });
    expect(await a.cache.get('product:1')).toEqual({ name: 'lamp' });
  });

  it("a prefix deletion in this process leaves this process's unrelated entries in memory", async () => {
    await a.cache.set('product:2', { name: 'desk' }, { ttlSeconds: 60 });
    await held(a.cache, 'product:2');

    await a.cache.deleteByPrefix('session-view:');
    await sleep(200); // the announcement's echo comes back on the process's own link

    expect(a.cache.peekFresh('product:2')).toEqual({ value: { name: 'desk' } });
  });
});
