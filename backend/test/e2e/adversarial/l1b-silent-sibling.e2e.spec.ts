import type { CacheService } from 'nestjs-coherent-cache';
import { ADMIN_CLI_ARGS, aclMode } from '../../support/acl-mode.js';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * A fleet on a Redis whose ACL refuses CLIENT (a managed Redis): the web process's memory tier
 * falls back to the module's own messages. README: "falls back to the module's own messages on
 * `<CACHE_KEY_PREFIX>:cache:invalidations` (every write and invalidation of this module
 * publishes one). Then a write by another client (not this module) is not seen".
 *
 * A worker of the same application runs the same module with `memory: { enabled: false }` (a
 * batch job that writes and invalidates, and has no use for a memory tier). It is this module,
 * but with the memory tier off it has no `MemoryFrontedStore`, so it publishes nothing: the web
 * process never hears of its writes and invalidations and serves the old values from memory.
 */
describe('adversarial: a sibling process with the memory tier off, a peer on the pub/sub fallback', () => {
  let server: RedisServer;
  let worker: { cache: CacheService; close: () => Promise<void> };
  let web: { cache: CacheService; close: () => Promise<void> };

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `ss${Math.random().toString(36).slice(2, 8)}`;
    const admin = aclMode ? ADMIN_CLI_ARGS : [];
    await server.cli(
      ...admin,
      ...['ACL', 'SETUSER', 'managed', 'on', '>managed-pass', `~${keyPrefix}:*`],
      ...['resetchannels', `&${keyPrefix}:*`, '+@all', '-@dangerous', '-client'],
    );
    const url = `redis://managed:managed-pass@127.0.0.1:${server.port}`;
    worker = await startCacheService(url, { keyPrefix, caching: { memory: { enabled: false } } });
    web = await startCacheService(url, { keyPrefix });
    await waitFor(() => web.cache.memoryTier.mechanism === 'pubsub', {
      what: 'web process on the pub/sub fallback',
    });
  });

  afterAll(async () => {
    await worker?.close();
    await web?.close();
    await server?.stop();
  });

  /** Reads until the web process holds `key` in memory (a read crossing an echo is not kept). */
  async function heldByWeb(key: string, value: unknown): Promise<void> {
    await waitFor(
      async () => (await web.cache.get(key)) === value && web.cache.peekFresh(key) !== undefined,
      { what: `${key} held by the web process` },
    );
  }

  it('a set by the worker is seen by the web process', async () => {
    await worker.cache.set('price', 100, { ttlSeconds: 60 });
    await heldByWeb('price', 100);
    await worker.cache.set('price', 120, { ttlSeconds: 60 });
    await sleep(500);
    expect(await web.cache.get('price')).toBe(120);
  });

  it('a del by the worker is seen by the web process', async () => {
    await worker.cache.set('coupon', 'SECRET-50', { ttlSeconds: 60 });
    await heldByWeb('coupon', 'SECRET-50');
    await worker.cache.del('coupon');
    await sleep(500);
    expect(await web.cache.get('coupon')).toBeNull();
  });

  it('a tag invalidated by the worker is seen by the web process', async () => {
    await worker.cache.set('p:1', 'v1', { ttlSeconds: 60, tags: ['products'] });
    await heldByWeb('p:1', 'v1');
    await worker.cache.invalidateTags(['products']);
    await sleep(500);
    expect(
      await web.cache.getOrSet('p:1', () => 'reloaded', { ttlSeconds: 60, tags: ['products'] }),
    ).toBe('reloaded');
  });
});
