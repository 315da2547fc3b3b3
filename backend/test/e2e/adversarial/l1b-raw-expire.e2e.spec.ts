import { Redis } from 'ioredis';
import type { CacheService } from 'nestjs-coherent-cache';
import { ADMIN_PASSWORD, ADMIN_USER, aclMode } from '../../support/acl-mode.js';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * Hostile/careless operator: "this entry must go in half a second" — `redis-cli PEXPIRE <entry>
 * 500`. README (The memory tier): "a change to an entry … by any client (another process,
 * redis-cli, a script) drops it from every process's memory".
 *
 * The PEXPIRE itself is tracked, so the memory tier drops the entry; but the very next read from
 * Redis admits it again for its own body's life (`staleUntilMs`, up to `maxTtlSeconds`),
 * ignoring the key's Redis TTL. When the key then expires in Redis, Redis tells tracking clients
 * only once it actually deletes the key: lazily (when someone touches it) or when its active
 * expiry cycle happens to sample it, which on a Redis holding many keys with a TTL (sessions,
 * rate-limit windows, other cache entries) can take minutes. Meanwhile the memory tier serves a
 * value Redis no longer has.
 */
describe('adversarial: raw PEXPIRE of an entry, then a read after Redis expired it', () => {
  let server: RedisServer;
  let withL1: { cache: CacheService; close: () => Promise<void> };
  let noL1: { cache: CacheService; close: () => Promise<void> };
  let raw: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    const keyPrefix = `xp${Math.random().toString(36).slice(2, 8)}`;
    withL1 = await startCacheService(server.url, { keyPrefix });
    noL1 = await startCacheService(server.url, {
      keyPrefix,
      caching: { memory: { enabled: false } },
    });
    raw = new Redis({
      port: server.port,
      ...(aclMode ? { username: ADMIN_USER, password: ADMIN_PASSWORD } : {}),
    });
    // An ordinary production Redis: many other keys with a TTL (sessions, rate-limit windows),
    // so that the active expiry cycle samples any one key only rarely.
    for (let batch = 0; batch < 10; batch += 1) {
      await raw.eval(
        "for i = 1, 10000 do redis.call('SET', 'session:' .. ARGV[1] .. ':' .. i, 'x', 'EX', 3600) end",
        0,
        String(batch),
      );
    }
    await waitFor(() => withL1.cache.memoryTier.mechanism === 'tracking', { what: 'tier armed' });
  }, 60_000);

  afterAll(async () => {
    raw?.disconnect();
    await withL1?.close();
    await noL1?.close();
    await server?.stop();
  });

  it('a read 1 s after the key expired in Redis does not return the value from memory', async () => {
    const cache = withL1.cache;
    await cache.set('banner', 'black-friday-prices', { ttlSeconds: 300 });
    const redisKey = cache.keyspace.entry('banner');

    await raw.pexpire(redisKey, 500);
    // Read until the process holds the entry again (the PEXPIRE's invalidation dropped it).
    await waitFor(
      async () =>
        (await cache.get('banner')) === 'black-friday-prices' &&
        cache.peekFresh('banner') !== undefined,
      { intervalMs: 5, what: 'the entry held in memory after the PEXPIRE' },
    );

    await sleep(1_500); // the key expired in Redis 1 s ago

    const fromL1Process = await cache.get('banner');
    // Control: a process without the memory tier (its GET also makes Redis delete the key).
    const fromRedis = await noL1.cache.get('banner');
    const loaded = await cache.getOrSet('banner', () => 'reloaded', { ttlSeconds: 300 });

    expect(fromRedis).toBeNull();
    expect(fromL1Process).toBeNull();
    expect(loaded).toBe('reloaded');
  });
});
