import type { HttpAdapterName } from '../../src/config/index.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];
const TOKEN = 'admin-token-0123456789abcdef';

describe.each(adapters)('/cache management endpoints on %s', (adapter) => {
  let server: RedisServer;
  let t: TestApp;

  const admin = (path: string, init: RequestInit = {}) =>
    t.request(path, {
      ...init,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await createTestApp()
      .withRedis(server)
      .withAdapter(adapter)
      .withEnv({ CACHE_ADMIN_TOKEN: TOKEN })
      .start();
    await waitFor(() => t.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await t.request('/cache/stats')).status).toBe(401);
    const wrong = await t.request('/cache/stats', {
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('reports hits, misses, hit ratio and errors per route', async () => {
    await t.request('/products/5');
    await t.request('/products/5');
    await t.request('/products/5');
    const response = await admin('/cache/stats');
    expect(response.status).toBe(200);
    const stats = (await response.json()) as {
      total: { hits: number; misses: number; hitRatio: number };
      byName: Record<
        string,
        { hits: number; misses: number; loads: number; errors: number; hitRatio: number }
      >;
      redis: { breakerState: string };
    };
    expect(stats.byName['GET /products/:id']).toMatchObject({
      hits: 2,
      misses: 1,
      loads: 1,
      errors: 0,
    });
    expect(stats.byName['GET /products/:id']?.hitRatio).toBeCloseTo(2 / 3, 3);
    expect(stats.redis.breakerState).toBe('closed');
  });

  it('invalidates by key, by tag and by prefix', async () => {
    await t.request('/products/11');
    await t.request('/products/12');
    await t.request('/products');
    const listed = (await (await admin('/cache/keys?prefix=http')).json()) as { keys: string[] };
    const key11 = listed.keys.find((k) => k.includes('/products/11'));
    expect(key11).toBeDefined();

    const meta = (await (
      await admin(`/cache/keys/${encodeURIComponent(key11 as string)}`)
    ).json()) as {
      exists: boolean;
      ttlSeconds: number;
      sizeBytes: number;
    };
    expect(meta.exists).toBe(true);
    expect(meta.ttlSeconds).toBeGreaterThan(50);
    expect(meta.sizeBytes).toBeGreaterThan(20);

    const byKey = await admin(`/cache/keys/${encodeURIComponent(key11 as string)}`, {
      method: 'DELETE',
    });
    expect(await byKey.json()).toEqual({ deleted: 1 });
    expect((await t.request('/products/11')).headers.get('x-cache')).toBe('MISS');

    const byTag = await admin('/cache/tags/product%3A12', { method: 'DELETE' });
    expect(await byTag.json()).toEqual({ deleted: 1 });
    expect((await t.request('/products/12')).headers.get('x-cache')).toBe('MISS');
    expect((await t.request('/products')).headers.get('x-cache')).toBe('HIT');

    const byPrefix = await admin('/cache/invalidate', {
      method: 'POST',
      body: JSON.stringify({ prefix: 'http:/products' }),
    });
    const counts = (await byPrefix.json()) as { deleted: { prefix: number } };
    expect(counts.deleted.prefix).toBeGreaterThanOrEqual(3);
    expect((await t.request('/products')).headers.get('x-cache')).toBe('MISS');
  });

  it('cannot delete outside its namespace, and glob characters match only themselves', async () => {
    await server.cli('SET', 'someone-else:data', 'keep');
    await server.cli('SET', 'other', 'keep');
    await t.redis.set('globby-a', 1);
    const bodies = [
      { prefix: '*' },
      { prefix: '../' },
      { keys: ['someone-else:data', '*'] },
      { prefix: '?' },
    ];
    for (const body of bodies) {
      const response = await admin('/cache/invalidate', {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    }
    expect(await server.cli('GET', 'someone-else:data')).toBe('keep');
    expect(await server.cli('GET', 'other')).toBe('keep');
    expect(await t.redis.get('globby-a')).toBe(1);
    await t.cache.set('globby-entry', 1);
    const cleared = await admin('/cache', { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    // DELETE /cache clears cache entries only: data stored through RedisService is not cache.
    expect(await t.cache.get('globby-entry')).toBeNull();
    expect(await t.redis.get('globby-a')).toBe(1);
    expect(await server.cli('GET', 'someone-else:data')).toBe('keep');
  });

  it('answers 400 to an invalid invalidation request', async () => {
    for (const body of [
      {},
      { keys: 'one' },
      { prefix: 1 },
      { keys: [''] },
      { tags: [], other: 1 },
    ]) {
      const response = await admin('/cache/invalidate', {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
    }
  });

  it('reports the cache health, 503 while Redis is down', async () => {
    const up = await admin('/cache/health');
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ healthy: true, breakerState: 'closed' });
    await server.kill();
    try {
      const down = await admin('/cache/health');
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ healthy: false });
    } finally {
      await server.restart();
      await waitFor(() => t.redis.isAvailable, { what: 'Redis back' });
    }
  });
});

describe.each(adapters)('/cache without CACHE_ADMIN_TOKEN on %s', (adapter) => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await createTestApp().withRedis(server).withAdapter(adapter).start();
  });

  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it('answers 404 on every endpoint, whatever the credentials', async () => {
    for (const [method, path] of [
      ['GET', '/cache/stats'],
      ['GET', '/cache/health'],
      ['GET', '/cache/keys'],
      ['DELETE', '/cache/keys/x'],
      ['POST', '/cache/invalidate'],
      ['DELETE', '/cache'],
    ] as const) {
      const response = await t.request(path, {
        method,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
  });
});
