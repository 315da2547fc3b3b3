import { Redis } from 'ioredis';
import type { CacheService } from 'nestjs-coherent-cache';
import { aclMode, ADMIN_PASSWORD, ADMIN_USER } from '../support/acl-mode.js';
import { startCacheService } from '../support/cache-service.fixture.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Found by the consistency checker on a Cluster (δ 13.7 ms, a memory-tier hit): Redis closed the
 * invalidation link (`CLIENT KILL TYPE pubsub`) and then deleted a key, a message the link never
 * got; the process read the link's end but trusted its memory tier until ioredis reported the
 * close, at least one event-loop turn later (a socket's `close` waits for its shutdown), and a
 * read in between returned the deleted value.
 */
describe('memory tier: a link that Redis closed is distrusted as soon as its end is read', () => {
  let server: RedisServer;
  let service: { cache: CacheService; close: () => Promise<void> };
  let raw: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    service = await startCacheService(server.url, {
      keyPrefix: `le${Math.random().toString(36).slice(2, 8)}`,
    });
    raw = new Redis({
      port: server.port,
      ...(aclMode ? { username: ADMIN_USER, password: ADMIN_PASSWORD } : {}),
    });
    await waitFor(() => service.cache.memoryTier.mechanism === 'tracking', { what: 'armed' });
  });

  afterAll(async () => {
    raw.disconnect();
    await service.close();
    await server.stop();
  });

  it('a read right after the end of the link does not serve what was deleted meanwhile', async () => {
    const { cache } = service;
    await cache.set('k', 'old', { ttlSeconds: 60 });
    await waitFor(async () => (await cache.get('k')) === 'old' && cache.memoryTier.entries > 0, {
      what: 'the entry held in memory',
    });
    const link = cache.memoryLinks[0] as Redis;
    const key = cache.keyspace.entry('k');
    // Redis closes the link, then another client deletes the key: no message can tell this
    // process of the deletion. The event loop is busy meanwhile (as under load), so that the
    // link's end and the deletion's reply are read in one turn, before the socket's close.
    let deleted = false;
    let ended = false;
    let read: Promise<unknown> | undefined;
    const readOnceBoth = () => {
      if (deleted && ended && !read) read = cache.get('k');
    };
    link.stream.once('end', () => {
      ended = true;
      readOnceBoth();
    });
    const killThenDelete = raw.pipeline().call('CLIENT', 'KILL', 'TYPE', 'pubsub').del(key).exec();
    void killThenDelete.then(() => {
      deleted = true;
      readOnceBoth();
    });
    const busyUntil = performance.now() + 50;
    while (performance.now() < busyUntil) {
      // Redis answers meanwhile; nothing is read until the loop turns.
    }
    expect(await killThenDelete).toEqual([
      [null, expect.any(Number)],
      [null, 1],
    ]);
    await waitFor(() => read !== undefined, { what: 'the end of the link read' });
    // The read started once this process had read that the link is gone and that the key was
    // deleted: it must not serve the deleted value.
    expect(await read).toBeNull();
  });
});
