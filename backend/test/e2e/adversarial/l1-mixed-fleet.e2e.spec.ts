import type { CacheService } from 'nestjs-coherent-cache';
import { ADMIN_CLI_ARGS, aclMode } from '../../support/acl-mode.js';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * A fleet where one process got CLIENT TRACKING and another did not (one behind a proxy or a
 * managed endpoint that refuses CLIENT, or a rolling change of its ACL user). README: the
 * fallback listens on `<prefix>:cache:invalidations`, "every write and invalidation of this
 * module publishes one". But a process whose link armed with `tracking` never announces
 * (`MemoryCoherence.announce` returns at once), so the process on `pubsub` never hears of the
 * writes and invalidations made by its tracking peers: it serves the removed value from memory.
 */
describe('adversarial: mixed fleet, one process on tracking, one on the pub/sub fallback', () => {
  let server: RedisServer;
  let tracking: { cache: CacheService; close: () => Promise<void> };
  let fallback: { cache: CacheService; close: () => Promise<void> };

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `mx${Math.random().toString(36).slice(2, 8)}`;
    const admin = aclMode ? ADMIN_CLI_ARGS : [];
    await server.cli(
      ...admin,
      ...['ACL', 'SETUSER', 'notrack', 'on', '>notrack-pass', `~${keyPrefix}:*`],
      ...['resetchannels', `&${keyPrefix}:*`, '+@all', '-@dangerous', '-client'],
    );
    tracking = await startCacheService(server.url, { keyPrefix });
    fallback = await startCacheService(`redis://notrack:notrack-pass@127.0.0.1:${server.port}`, {
      keyPrefix,
    });
    await waitFor(() => tracking.cache.memoryTier.mechanism === 'tracking', {
      what: 'tracking process armed',
    });
    await waitFor(() => fallback.cache.memoryTier.mechanism === 'pubsub', {
      what: 'fallback process on pub/sub',
    });
  });

  afterAll(async () => {
    await tracking?.close();
    await fallback?.close();
    await server?.stop();
  });

  it('a set by the tracking process is seen by the pub/sub process', async () => {
    await tracking.cache.set('price', 100, { ttlSeconds: 60 });
    expect(await fallback.cache.get('price')).toBe(100); // held in its memory now
    await tracking.cache.set('price', 120, { ttlSeconds: 60 });
    await sleep(500);
    expect(await fallback.cache.get('price')).toBe(120);
  });

  it('a del by the tracking process is seen by the pub/sub process', async () => {
    await tracking.cache.set('gone', 'secret', { ttlSeconds: 60 });
    expect(await fallback.cache.get('gone')).toBe('secret');
    await tracking.cache.del('gone');
    await sleep(500);
    expect(await fallback.cache.get('gone')).toBeNull();
  });

  it('a tag invalidated by the tracking process is seen by the pub/sub process', async () => {
    await tracking.cache.set('p:1', 'v1', { ttlSeconds: 60, tags: ['products'] });
    expect(await fallback.cache.get('p:1')).toBe('v1');
    await tracking.cache.invalidateTags(['products']);
    await sleep(500);
    expect(
      await fallback.cache.getOrSet('p:1', () => 'reloaded', {
        ttlSeconds: 60,
        tags: ['products'],
      }),
    ).toBe('reloaded');
  });
});
