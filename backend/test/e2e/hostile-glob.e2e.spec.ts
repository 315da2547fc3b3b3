import { CacheService } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];
const ADMIN = { authorization: 'Bearer admin-secret-0123456789' };
const OTHER_COUNT = 10_000;

/** Keys a glob built from the ids below would match if the ids were not escaped. */
function otherKey(i: number): string {
  const templates = [
    `abc${i}`,
    `a${i}c`,
    `p${i % 10}*x${i}`,
    `p${i % 10}\\x${i}`,
    `\\*${i}`,
    `?${i}`,
    `[a-z]${i}`,
    `other:${i}`,
  ];
  return templates[i % templates.length] as string;
}

describe.each(adapters)('Glob characters in invalidation ids on %s', (adapter) => {
  let server: RedisServer;
  let t: TestApp;
  let cache: CacheService;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await createTestApp()
      .withRedis(server)
      .withAdapter(adapter)
      .withEnv({ CACHE_ADMIN_TOKEN: 'admin-secret-0123456789' })
      .start();
    await waitFor(() => t.redis.isAvailable, { what: 'Redis ready' });
    cache = t.app.get(CacheService);
  });

  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  async function existing(keys: readonly string[]): Promise<number> {
    const replies = await server.cliBatch(keys.map((k) => ['EXISTS', cache.keyspace.entry(k)]));
    return replies.filter((r) => r.trim() === '1').length;
  }

  it('deletes 0 keys outside the target with 10,000 other keys present', async () => {
    const others = Array.from({ length: OTHER_COUNT }, (_, i) => otherKey(i));
    // Setup must not depend on the machine's load: a write that times out is simply retried.
    const store = async (k: string, i: number) => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        if (await cache.set(k, { k }, { ttlSeconds: 300, tags: [`t${i % 26}`, `x${i}`] })) return;
      }
      throw new Error(`could not store ${k}`);
    };
    for (let i = 0; i < others.length; i += 100) {
      await Promise.all(others.slice(i, i + 100).map((k, j) => store(k, i + j)));
    }
    const targets: Record<string, string[]> = {
      key: ['*', 'a?c'],
      tag: ['tagged:1', 'tagged:2'],
      prefix: ['p[0-9]\\*x', 'p[0-9]\\*y'],
      servicePrefix: ['*star', '*'],
    };
    for (const k of [...targets.key!, ...targets.prefix!, ...targets.servicePrefix!]) {
      expect(await cache.set(k, { k }, { ttlSeconds: 300 })).toBe(true);
    }
    for (const k of targets.tag!) {
      expect(await cache.set(k, { k }, { ttlSeconds: 300, tags: ['[a-z]*'] })).toBe(true);
    }
    expect(await existing(others)).toBe(OTHER_COUNT);

    const statuses: number[] = [];
    const send = async (path: string, init: RequestInit) => {
      const headers = init.body ? { ...ADMIN, 'content-type': 'application/json' } : ADMIN;
      const response = await t.request(path, { ...init, headers });
      statuses.push(response.status);
      return (await response.json()) as { deleted: unknown };
    };
    await send(`/cache/keys/${encodeURIComponent('*')}`, { method: 'DELETE' });
    await send('/cache/invalidate', { method: 'POST', body: JSON.stringify({ keys: ['a?c'] }) });
    await send(`/cache/tags/${encodeURIComponent('[a-z]*')}`, { method: 'DELETE' });
    await send('/cache/tags/*', { method: 'DELETE' });
    await send('/cache/invalidate', {
      method: 'POST',
      body: JSON.stringify({ prefix: 'p[0-9]\\*', tags: ['?', 't[0-9]', 'x*'] }),
    });
    await cache.deleteByPrefix('*');
    await cache.invalidateTags(['t*', '*']);

    const targetKeys = Object.values(targets).flat();
    const targetsLeft = await existing(targetKeys);
    const othersLeft = await existing(others);
    process.stdout.write(
      `[${adapter}] glob ids (* ? [a-z]* \\* in keys, tags, prefixes; admin endpoints and CacheService): ` +
        `${OTHER_COUNT} other keys, deleted outside the target = ${OTHER_COUNT - othersLeft}, ` +
        `targets deleted = ${targetKeys.length - targetsLeft} of ${targetKeys.length}\n`,
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(othersLeft).toBe(OTHER_COUNT);
    expect(targetsLeft).toBe(0);
  });
});
