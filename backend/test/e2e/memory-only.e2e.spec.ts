import type { HttpAdapterName } from '../../src/config/index.js';
import { spawnBackend } from '../support/backend-process.js';
import { freePort } from '../support/free-port.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

interface HealthBody {
  status: string;
  info: Record<string, Record<string, unknown>>;
}

const json = { 'content-type': 'application/json' };

describe('memory-only: no REDIS_* variable set', () => {
  it('the built backend says so in one startup line, caches, and reports it on /health', async () => {
    const port = await freePort();
    // Nothing but PATH, NODE_ENV and PORT: no Redis anywhere in the environment.
    const backend = spawnBackend({ PORT: String(port), DEMO_DB_LATENCY_MS: '20' });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${base}/`).catch(() => null))?.status === 200, {
        timeoutMs: 10_000,
        intervalMs: 50,
        what: 'the backend',
      });
      const lines = backend
        .output()
        .split('\n')
        .filter((l) => l.includes('memory-only'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('no Redis configured');

      const first = await fetch(`${base}/products/1`);
      const second = await fetch(`${base}/products/1`);
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual([
        'MISS',
        'HIT',
      ]);
      expect(await second.text()).toBe(await first.text());

      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as HealthBody;
      expect(body.info.redis).toMatchObject({ status: 'up', configured: false, mode: 'memory' });
      expect(body.info.memoryTier).toMatchObject({
        status: 'up',
        enabled: true,
        mechanism: 'local',
      });
      expect(body.info.memoryTier?.entries).toBeGreaterThanOrEqual(1);
    } finally {
      await backend.stop();
    }
  }, 30_000);

  for (const adapter of ['express', 'fastify'] as HttpAdapterName[]) {
    describe(`${adapter}`, () => {
      let app: TestApp;

      beforeAll(async () => {
        app = await createTestApp().withoutRedis().withAdapter(adapter).start();
      });

      afterAll(async () => {
        await app?.close();
      });

      it('a write evicts: the GET after a PUT answers the new row, and then caches it', async () => {
        expect(app.cache.isMemoryOnly).toBe(true);
        await app.request('/products/7');
        expect((await app.request('/products/7')).headers.get('x-cache')).toBe('HIT');
        const put = await app.request('/products/7', {
          method: 'PUT',
          headers: json,
          body: JSON.stringify({ name: 'Renamed' }),
        });
        expect(put.status).toBe(200);
        const after = await app.request('/products/7');
        expect(after.headers.get('x-cache')).toBe('MISS');
        expect(((await after.json()) as { name: string }).name).toBe('Renamed');
        expect((await app.request('/products/7')).headers.get('x-cache')).toBe('HIT');
      });

      it('CacheService keeps its contract: TTL, tags, prefix, clear, keys and describe', async () => {
        const { cache } = app;
        let loads = 0;
        const load = () => Promise.resolve((loads += 1));
        expect(await cache.getOrSet('t:a', load, { ttlSeconds: 0.2, tags: ['g'] })).toBe(1);
        expect(await cache.getOrSet('t:a', load, { ttlSeconds: 0.2, tags: ['g'] })).toBe(1);
        const info = await cache.describe('t:a');
        expect(info.exists).toBe(true);
        expect(info.ttlMs).toBeGreaterThan(0);
        expect(info.ttlMs).toBeLessThanOrEqual(200);
        const keys: string[] = [];
        for await (const key of cache.keys('t:')) keys.push(key);
        expect(keys).toEqual(['t:a']);

        await new Promise((resolve) => setTimeout(resolve, 250));
        expect(await cache.getOrSet('t:a', load, { tags: ['g'] })).toBe(2);
        expect(await cache.invalidateTags(['g'])).toBe(1);
        expect(await cache.getOrSet('t:a', load, { tags: ['g'] })).toBe(3);
        expect(await cache.deleteByPrefix('t:')).toBe(1);
        expect(await cache.get('t:a')).toBeNull();
        await cache.set('t:b', { at: new Date(0) });
        expect(await cache.get<{ at: Date }>('t:b')).toEqual({ at: new Date(0) });
        expect(await cache.clear()).toBeGreaterThanOrEqual(1);
        expect(await cache.get('t:b')).toBeNull();
      });

      it('concurrent misses share one loader call', async () => {
        let loads = 0;
        const slow = () =>
          new Promise<number>((resolve) => setTimeout(() => resolve((loads += 1)), 30));
        const values = await Promise.all(
          Array.from({ length: 50 }, () => app.cache.getOrSet('sf:1', slow)),
        );
        expect(new Set(values)).toEqual(new Set([1]));
        expect(loads).toBe(1);
      });

      it('/health is 200 with Redis not configured; the state routes say Redis is needed', async () => {
        const health = await app.request('/health');
        expect(health.status).toBe(200);
        const ready = await app.request('/health/ready');
        expect(ready.status).toBe(200);
        const job = await app.request('/jobs/webhook-processing', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ url: 'https://example.com/hook' }),
        });
        expect(job.status).toBe(503);
        expect(await job.text()).toContain('queues are disabled');
      });
    });
  }
});
