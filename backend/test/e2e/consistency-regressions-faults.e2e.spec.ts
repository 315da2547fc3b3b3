/**
 * Regression tests of the consistency contract (issue 11) under faults: an invalidation during a
 * cut link to Redis is never lost, and Redis evicting keys never makes an invalidated value
 * servable again.
 */
import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheService } from '../support/cache-service.fixture.js';
import { CuttableProxy } from '../support/cuttable-proxy.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

interface ProductBody {
  id: number;
  name: string;
}

/** What one GET answered. */
interface Served {
  status: number;
  name: string | undefined;
  xCache: string | null;
}

describe.each(adapters)('3. an invalidation while the link to Redis is cut, on %s', (adapter) => {
  let server: RedisServer;
  let proxy: CuttableProxy;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    proxy = await CuttableProxy.start(server.port);
    t = await createTestApp().withRedis(proxy.url).withAdapter(adapter).start();
    await waitFor(() => t.redis.isAvailable, { what: 'Redis ready' });
  });

  afterAll(async () => {
    await t.close();
    await proxy.stop();
    await server.stop();
  });

  async function get(id: number): Promise<Served> {
    const response = await t.request(`/products/${id}`);
    const body = (await response.json()) as Partial<ProductBody>;
    return { status: response.status, name: body.name, xCache: response.headers.get('x-cache') };
  }

  const rename = (id: number, name: string) =>
    t.request(`/products/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });

  /** Caches `GET /products/:id` (a MISS, then a HIT) and returns the cached name. */
  async function cached(id: number): Promise<string | undefined> {
    await get(id);
    const second = await get(id);
    expect(second.xCache).toBe('HIT');
    return second.name;
  }

  /**
   * Cuts the link for `durationMs` and waits until the app has seen it down; `restored` settles
   * when the link is back.
   */
  async function cutLink(durationMs: number): Promise<{ restored: Promise<void> }> {
    const restored = proxy.cutFor(durationMs);
    await waitFor(() => !t.redis.isAvailable, { intervalMs: 2, what: 'the link seen down' });
    return { restored };
  }

  it('a 300 ms cut: PUT /products/5 answers 200 and the GETs after it serve the new name (or it answers 503); none serves the pre-PUT body', async () => {
    const oldName = await cached(5);
    const { restored } = await cutLink(300);
    const newName = 'Renamed during a blip';
    const cutWhenSent = proxy.isCut;
    const put = await rename(5, newName);
    await put.arrayBuffer();
    const served: Served[] = [];
    const getFor = async (durationMs: number) => {
      const until = Date.now() + durationMs;
      while (Date.now() < until) {
        served.push(await get(5));
        await sleep(50);
      }
    };
    await getFor(300);
    await restored;
    await waitFor(() => t.redis.isAvailable, { timeoutMs: 10_000, what: 'Redis back' });
    await getFor(1_000);
    process.stdout.write(
      `[3 ${adapter}] 300 ms cut: PUT ${put.status} (sent with the link cut: ${cutWhenSent}); ` +
        `${served.length} GETs after it: ` +
        `${JSON.stringify(served.map((s) => `${s.status} ${s.name} ${s.xCache}`))}\n`,
    );
    expect(cutWhenSent).toBe(true);
    expect([200, 503]).toContain(put.status);
    expect({
      gets: served.length,
      preputBodies: served.filter((s) => s.name === oldName).length,
      otherThanTheNewName: served.filter((s) => s.status !== 200 || s.name !== newName).length,
    }).toEqual({ gets: served.length, preputBodies: 0, otherThanTheNewName: 0 });
  });

  it('a 4 s cut: PUT /products/6 answers 503, and once the link is back GET /products/6 answers the new name', async () => {
    const oldName = await cached(6);
    const { restored } = await cutLink(4_000);
    const cutWhenSent = proxy.isCut;
    const put = await rename(6, 'Renamed during an outage');
    await put.arrayBuffer();
    await restored;
    await waitFor(() => t.redis.isAvailable, { timeoutMs: 10_000, what: 'Redis back' });
    const after = await get(6);
    process.stdout.write(
      `[3 ${adapter}] 4 s cut: PUT ${put.status} (sent with the link cut: ${cutWhenSent}); ` +
        `GET after the link is back: ` +
        `${after.status} ${after.name} (X-Cache ${after.xCache}; before the PUT: ${oldName})\n`,
    );
    expect(cutWhenSent).toBe(true);
    expect({ putStatus: put.status, getStatus: after.status, name: after.name }).toEqual({
      putStatus: 503,
      getStatus: 200,
      name: 'Renamed during an outage',
    });
  }, 30_000);
});

describe('4. Redis evicting keys under maxmemory (allkeys-lru)', () => {
  it('after invalidateTags, none of 300 hot tagged entries is served old', async () => {
    const server = await RedisServer.start({
      args: ['--maxmemory-policy', 'allkeys-lru', '--maxmemory-samples', '10'],
    });
    const node = await startCacheService(server.url);
    try {
      const count = 300;
      const keys = Array.from({ length: count }, (_, i) => `hot:${i}`);
      const pad = 'x'.repeat(200);
      const stored = await Promise.all(
        keys.map((key) =>
          node.cache.set(key, { key, version: 1, pad }, { ttlSeconds: 600, tags: ['hot'] }),
        ),
      );
      expect(stored.every(Boolean)).toBe(true);
      // Reads keep the entries hot; nothing reads the tag bookkeeping.
      let reading = true;
      const reader = (async () => {
        while (reading) {
          await Promise.all(keys.map((key) => node.cache.get(key)));
          await sleep(20);
        }
      })();
      try {
        // Redis's LRU clock ticks once a second: let the bookkeeping age behind the hot entries.
        await sleep(2_500);
        const usedBytes = Number(/used_memory:(\d+)/.exec(await server.cli('INFO', 'memory'))?.[1]);
        await server.cli('CONFIG', 'SET', 'maxmemory', String(usedBytes + 3 * 1024 * 1024));
        // Small batches: a large one would fill the client's query buffer, which counts too.
        const filler = 'f'.repeat(1_024);
        for (let batch = 0; batch < 80; batch += 1) {
          await server.cliBatch(
            Array.from({ length: 100 }, (_, i) => ['SET', `filler:${batch}:${i}`, filler]),
          );
          await sleep(30);
        }
      } finally {
        reading = false;
        await reader;
      }
      const evicted = Number(/evicted_keys:(\d+)/.exec(await server.cli('INFO', 'stats'))?.[1]);
      const servedBefore = (await Promise.all(keys.map((key) => node.cache.get(key)))).filter(
        (v) => v !== null,
      ).length;
      await node.cache.invalidateTags(['hot']);
      const after = await Promise.all(
        keys.map((key) =>
          node.cache.getOrSet(key, () => ({ key, version: 2, pad }), { ttlSeconds: 600 }),
        ),
      );
      const oldServed = after.filter((v) => v.version === 1).length;
      process.stdout.write(
        `[4] evicted keys = ${evicted}; hot entries served before the invalidation = ${servedBefore} ` +
          `of ${count}; old values served after invalidateTags = ${oldServed} of ${count}\n`,
      );
      expect({ evictedSome: evicted > 0, oldValuesServed: oldServed }).toEqual({
        evictedSome: true,
        oldValuesServed: 0,
      });
    } finally {
      await node.close();
      await server.stop();
    }
  });
});
