import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Test } from '@nestjs/testing';
import { CacheModule, StateRedis } from 'nestjs-coherent-cache';
import { CapturingLogger } from '../support/capturing-logger.js';
import { runClosedLoop } from '../support/load-generator.js';
import { productConnection } from '../support/product-user.js';
import { RedisServer, grantProductUser } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const REQUESTS = 10_000;
const CONCURRENCY = 100;
const ADMIN_TOKEN = 'admin-secret-0123456789';

/** A full garbage collection (V8's `gc`, exposed at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Cache and state apart: an anonymous flood, a cache under memory pressure with allkeys-lru, and
 * `DELETE /cache` leave every session valid and every rate-limit window intact, and neither the
 * Redis key count nor the app's heap grows with the flood.
 */
describe('anonymous flood against sessions and rate limits (STATE_REDIS_URL)', () => {
  let cacheRedis: RedisServer;
  let stateRedis: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    cacheRedis = await RedisServer.start({
      args: ['--maxmemory', '8mb', '--maxmemory-policy', 'allkeys-lru'],
    });
    stateRedis = await RedisServer.start();
    // In an ACL run, the product logs in to the state Redis as its prefix's user too.
    const keyPrefix = `flood${Math.random().toString(36).slice(2, 6)}`;
    const user = await grantProductUser(keyPrefix);
    const stateUrl = user
      ? `redis://${user.username}:${user.password}@127.0.0.1:${stateRedis.port}`
      : stateRedis.url;
    t = await createTestApp()
      .withRedis(cacheRedis)
      .withEnv({
        CACHE_KEY_PREFIX: keyPrefix,
        STATE_REDIS_URL: stateUrl,
        CACHE_ADMIN_TOKEN: ADMIN_TOKEN,
      })
      .start();
    await waitFor(() => t.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([cacheRedis.stop(), stateRedis.stop()]);
  });

  const login = async (token: string): Promise<string> => {
    const response = await t.request('/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { session: string }).session;
  };
  const sessionStatus = async (handle: string) =>
    (await t.request('/sessions/current', { headers: { 'x-session': handle } })).status;
  const dbsize = async (server: RedisServer) => Number(await server.cli('DBSIZE'));
  const heapMb = () => process.memoryUsage().heapUsed / 1_048_576;

  it('keeps every session and rate-limit window; keys and heap stay bounded', async () => {
    const sessions = [await login('alice-token'), await login('bob-token')];
    await t.request('/products');
    collectGarbage();
    const before = {
      cacheKeys: await dbsize(cacheRedis),
      stateKeys: await dbsize(stateRedis),
      heapMb: heapMb(),
    };

    const gets = await runClosedLoop({
      baseUrl: t.baseUrl,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      pathSource: `(i) => '/products?x=' + i + '-' + Math.random()`,
    });
    const posts = await runClosedLoop({
      baseUrl: t.baseUrl,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      method: 'POST',
      pathSource: `(i) => '/events/flood-' + i`,
    });

    // A full rate-limit window, then cache pressure past maxmemory and DELETE /cache.
    const limited: number[] = [];
    for (let i = 0; i < 6; i += 1) limited.push((await t.request('/limited')).status);
    // Random text: compression must not shrink the pressure away.
    for (let i = 0; i < 300; i += 1) {
      await t.cache.set(`pressure:${i}`, randomBytes(48 * 1024).toString('base64'), {
        ttlSeconds: 600,
      });
    }
    const evicted = Number(/evicted_keys:(\d+)/.exec(await cacheRedis.cli('INFO', 'stats'))?.[1]);
    const cleared = await t.request('/cache', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });

    const afterStatuses = await Promise.all(sessions.map(sessionStatus));
    const limitedAfter = (await t.request('/limited')).status;
    const subscribed = ((await (await t.request('/events')).json()) as { channels: string[] })
      .channels.length;
    collectGarbage();
    const after = {
      cacheKeys: await dbsize(cacheRedis),
      stateKeys: await dbsize(stateRedis),
      heapMb: heapMb(),
    };
    process.stdout.write(
      `[state flood] ${REQUESTS} GET /products?x=<unique>: ${JSON.stringify(gets.byStatus)}; ` +
        `${REQUESTS} POST /events/<unique>: ${JSON.stringify(posts.byStatus)}; channels subscribed ${subscribed}; ` +
        `cache keys ${before.cacheKeys} -> ${after.cacheKeys} (evicted under pressure ${evicted}, DELETE /cache ${cleared.status}); ` +
        `state keys ${before.stateKeys} -> ${after.stateKeys}; heap ${before.heapMb.toFixed(1)} -> ${after.heapMb.toFixed(1)} MB; ` +
        `sessions after ${JSON.stringify(afterStatuses)}; /limited ${limited.join(',')} then ${limitedAfter}\n`,
    );
    expect(gets.byStatus['200']).toBe(REQUESTS);
    expect(evicted).toBeGreaterThan(0);
    expect(cleared.status).toBe(200);
    expect(afterStatuses).toEqual([200, 200]);
    expect(limited.at(-1)).toBe(429);
    expect(limitedAfter).toBe(429);
    expect(subscribed).toBeLessThanOrEqual(16);
    expect(after.cacheKeys).toBeLessThanOrEqual(before.cacheKeys + 10);
    expect(after.stateKeys).toBeLessThanOrEqual(before.stateKeys + 10);
    expect(after.heapMb - before.heapMb).toBeLessThan(50);
  }, 180_000);
});

describe('state on the cache Redis', () => {
  it('warns once at startup when that Redis may evict sessions, windows, locks and counters', async () => {
    const server = await RedisServer.start({
      args: ['--maxmemory', '8mb', '--maxmemory-policy', 'allkeys-lru'],
    });
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'evicting'),
          keyPrefix: 'evicting',
        }),
      ],
    }).compile();
    moduleRef.useLogger(logger);
    await moduleRef.init();
    try {
      await waitFor(() => logger.matching('warn', 'maxmemory-policy=allkeys-lru').length > 0, {
        what: 'the eviction warning',
      });
      expect(logger.matching('warn', 'maxmemory-policy').length).toBe(1);
      expect(moduleRef.get(StateRedis).separate).toBe(false);
    } finally {
      await moduleRef.close();
      await server.stop();
    }
  });
});
