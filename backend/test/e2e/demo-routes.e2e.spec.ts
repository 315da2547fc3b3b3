import type { HttpAdapterName } from '../../src/config/index.js';
import { cacheKeys } from '../../src/demo/cache-keys.js';
import { SimulatedDb } from '../../src/demo/index.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

interface ProductBody {
  id: number;
  name: string;
  priceCents: number;
  loadedAt: string;
  loadSeq: number;
}

const reads = (t: TestApp) => t.app.get(SimulatedDb).readCount;

describe.each(adapters)('reference routes on %s', (adapter) => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await createTestApp().withRedis(server).withAdapter(adapter).start();
    await waitFor(() => t.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it('500 concurrent requests on a cold GET /products/:id run the handler once', async () => {
    const before = reads(t);
    const responses = await Promise.all(
      Array.from({ length: 500 }, () => t.request('/products/7')),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as ProductBody[];
    const handlerRuns = reads(t) - before;
    const outcomes = responses.map((r) => r.headers.get('x-cache'));
    process.stdout.write(
      `[${adapter}] 500 concurrent cold GET /products/7: handler runs = ${handlerRuns}, ` +
        `statuses 200 = ${responses.filter((r) => r.status === 200).length}, ` +
        `distinct loadSeq = ${new Set(bodies.map((b) => b.loadSeq)).size}, ` +
        `MISS = ${outcomes.filter((o) => o === 'MISS').length}, HIT = ${outcomes.filter((o) => o === 'HIT').length}\n`,
    );
    expect(handlerRuns).toBe(1);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(new Set(bodies.map((b) => b.loadSeq)).size).toBe(1);
    expect(new Set(bodies.map((b) => b.loadedAt)).size).toBe(1);
    const next = (await (await t.request('/products/8')).json()) as ProductBody;
    expect(next.loadSeq).toBe((bodies[0] as ProductBody).loadSeq + 1);
  });

  it('answers 404 for an unknown product and stores nothing', async () => {
    const before = reads(t);
    expect((await t.request('/products/999')).status).toBe(404);
    expect((await t.request('/products/999')).status).toBe(404);
    expect(reads(t) - before).toBe(2);
  });

  it('PUT /products/42 then GET /products/42 and GET /products both show the change', async () => {
    await t.request('/products/42');
    await t.request('/products');
    expect((await t.request('/products/42')).headers.get('x-cache')).toBe('HIT');
    expect((await t.request('/products')).headers.get('x-cache')).toBe('HIT');
    const put = await t.request('/products/42', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed 42', priceCents: 4242 }),
    });
    expect(put.status).toBe(200);
    const one = await t.request('/products/42');
    const list = await t.request('/products');
    const oneBody = (await one.json()) as ProductBody;
    const listBody = (await list.json()) as { items: ProductBody[] };
    const inList = listBody.items.find((p) => p.id === 42);
    process.stdout.write(
      `[${adapter}] after PUT /products/42: GET /products/42 name=${JSON.stringify(oneBody.name)} ` +
        `(X-Cache ${one.headers.get('x-cache')}), GET /products item 42 name=${JSON.stringify(inList?.name)} ` +
        `(X-Cache ${list.headers.get('x-cache')})\n`,
    );
    expect(oneBody).toMatchObject({ id: 42, name: 'Renamed 42', priceCents: 4242 });
    expect(inList).toMatchObject({ name: 'Renamed 42', priceCents: 4242 });
    expect((await t.request('/products/42')).headers.get('x-cache')).toBe('HIT');
  });

  it.each([
    ['an empty object', {}],
    ['an unknown field', { name: 'ok', colour: 'red' }],
    ['a negative price', { priceCents: -1 }],
    ['a non-integer price', { priceCents: 1.5 }],
    ['an empty name', { name: '   ' }],
  ])('PUT /products/:id with %s answers 400 and changes nothing', async (_label, body) => {
    const before = (await (await t.request('/products/43')).json()) as ProductBody;
    const put = await t.request('/products/43', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(put.status).toBe(400);
    const after = (await (await t.request('/products/43')).json()) as ProductBody;
    expect(after).toEqual(before);
  });

  it("Alice and Bob, 1,000 interleaved GET /me each: 0 responses carry the other one's data", async () => {
    const before = reads(t);
    const users = [
      { token: 'alice-token', id: 'alice' },
      { token: 'bob-token', id: 'bob' },
    ];
    let cross = 0;
    let ok = 0;
    let xCacheSeen = 0;
    let privateSeen = 0;
    for (let batch = 0; batch < 20; batch += 1) {
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const user = users[i % 2] as (typeof users)[number];
          const response = await t.request('/me', {
            headers: { authorization: `Bearer ${user.token}` },
          });
          const body = (await response.json()) as { id: string };
          return { user, response, body };
        }),
      );
      for (const { user, response, body } of results) {
        if (response.status === 200) ok += 1;
        if (body.id !== user.id) cross += 1;
        if (response.headers.get('x-cache') !== null) xCacheSeen += 1;
        if (response.headers.get('cache-control') === 'private') privateSeen += 1;
      }
    }
    const handlerRuns = reads(t) - before;
    process.stdout.write(
      `[${adapter}] GET /me, 1,000 Alice + 1,000 Bob interleaved: 200 = ${ok}, cross-user responses = ${cross}, ` +
        `handler runs = ${handlerRuns}, Cache-Control: private on ${privateSeen}, X-Cache on ${xCacheSeen}\n`,
    );
    expect(ok).toBe(2000);
    expect(cross).toBe(0);
    expect(privateSeen).toBe(2000);
    expect(xCacheSeen).toBe(0);
    expect(handlerRuns).toBe(2);
  });

  it('GET /me answers 401 without a valid token', async () => {
    expect((await t.request('/me')).status).toBe(401);
    const wrong = await t.request('/me', { headers: { authorization: 'Bearer mallory' } });
    expect(wrong.status).toBe(401);
  });

  it('a shared route requested with Authorization stores nothing', async () => {
    const before = reads(t);
    const first = await t.request('/products/60', {
      headers: { authorization: 'Bearer alice-token' },
    });
    const second = await t.request('/products/60', {
      headers: { authorization: 'Bearer alice-token' },
    });
    expect(first.headers.get('x-cache')).toBe('BYPASS');
    expect(second.headers.get('x-cache')).toBe('BYPASS');
    expect(reads(t) - before).toBe(2);
    const stored: string[] = [];
    for await (const key of t.redis.scanKeys('http:'))
      if (key.includes('/products/60')) stored.push(key);
    expect(stored).toEqual([]);
  });

  it('caches the video data with the TTL table: list 60 s, stats 30 s, presigned URL 3600 s', async () => {
    const list1 = (await (await t.request('/videos')).json()) as { loadSeq: number };
    const list2 = (await (await t.request('/videos')).json()) as { loadSeq: number };
    expect(list2.loadSeq).toBe(list1.loadSeq);
    const stats1 = (await (await t.request('/videos/intro/stats')).json()) as {
      views: number;
      loadSeq: number;
    };
    await t.request('/videos/intro/upload-url');
    const ttlSeconds = async (key: string) =>
      Number(await server.cli('TTL', t.cache.keyspace.entry(key)));
    const ttls = {
      list: await ttlSeconds(cacheKeys.videoList()),
      stats: await ttlSeconds(cacheKeys.videoStats('intro')),
      presignedUrl: await ttlSeconds(cacheKeys.presignedUrl('intro')),
    };
    process.stdout.write(
      `[${adapter}] video TTLs in Redis (s, with ±10 % jitter): ${JSON.stringify(ttls)}\n`,
    );
    expect(ttls.list).toBeGreaterThanOrEqual(53);
    expect(ttls.list).toBeLessThanOrEqual(66);
    expect(ttls.stats).toBeGreaterThanOrEqual(26);
    expect(ttls.stats).toBeLessThanOrEqual(33);
    expect(ttls.presignedUrl).toBeGreaterThanOrEqual(3230);
    expect(ttls.presignedUrl).toBeLessThanOrEqual(3960);
    const url1 = (await (await t.request('/videos/intro/upload-url')).json()) as { url: string };
    const url2 = (await (await t.request('/videos/intro/upload-url')).json()) as { url: string };
    expect(url2.url).toBe(url1.url);
    await t.request('/videos/intro/views', { method: 'POST' });
    const stats2 = (await (await t.request('/videos/intro/stats')).json()) as {
      views: number;
      loadSeq: number;
    };
    expect(stats2.views).toBe(stats1.views + 1);
  });
});

describe.each(adapters)('three backends on one Redis (%s)', (adapter) => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('200 concurrent requests each on one cold key: the loader runs once in total', async () => {
    const env = {
      CACHE_KEY_PREFIX: `three${Math.random().toString(36).slice(2, 6)}`,
      DEMO_DB_LATENCY_MS: '50',
    };
    const apps = await Promise.all(
      [1, 2, 3].map(() =>
        createTestApp().withRedis(server).withAdapter(adapter).withEnv(env).start(),
      ),
    );
    try {
      await Promise.all(
        apps.map((t) => waitFor(() => t.redis.isAvailable, { what: 'Redis ready' })),
      );
      const before = apps.map(reads);
      const responses = await Promise.all(
        apps.flatMap((t) => Array.from({ length: 200 }, () => t.request('/products/77'))),
      );
      const runsPerApp = apps.map((t, i) => reads(t) - (before[i] as number));
      const total = runsPerApp.reduce((a, b) => a + b, 0);
      process.stdout.write(
        `[${adapter}] 3 backends x 200 concurrent cold GET /products/77: handler runs per backend = ` +
          `${JSON.stringify(runsPerApp)}, total = ${total}, non-200 = ${responses.filter((r) => r.status !== 200).length}\n`,
      );
      expect(responses.every((r) => r.status === 200)).toBe(true);
      expect(total).toBe(1);
    } finally {
      await Promise.all(apps.map((t) => t.close()));
    }
  });
});
