import {
  createStandaloneCache,
  type CacheService,
  type StandaloneCache,
} from 'nestjs-coherent-cache';
import { startCacheService } from '../../support/cache-service.fixture.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep } from '../../support/wait-for.js';

/**
 * Hostile data: a user profile saved as JSON from a request body, with an own key named
 * `__proto__` (JSON.parse makes it an own property; it grants nothing). The README: types
 * survive, "objects with any keys (`__proto__`, …), at any depth"; a hit returns what the loader
 * returned. The memory tier's copies (a value holding a Date is copied on every hit; callers that
 * joined a load get a deep copy each) assign `copy['__proto__'] = …`, which sets the prototype:
 * the own key vanishes and its contents become inherited properties of the copy.
 */
const hostileProfile = () => ({
  ...(JSON.parse('{"name":"mallory","__proto__":{"isAdmin":true}}') as Record<string, unknown>),
  seenAt: new Date(0), // holds a Date: the memory tier copies it on every hit
});

function expectSameAsLoader(value: Record<string, unknown>): void {
  expect(Object.keys(value)).toEqual(['name', '__proto__', 'seenAt']);
  expect(value.isAdmin).toBeUndefined();
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
}

function attacks(getCache: () => CacheService): void {
  it('a memory hit of a value with an own "__proto__" key is that value (no inherited isAdmin)', async () => {
    const cache = getCache();
    const loaded = await cache.getOrSet('profile:1', hostileProfile, { ttlSeconds: 60 });
    expectSameAsLoader(loaded);
    await cache.get('profile:1'); // read once: now held in memory
    const hit = await cache.getOrSet('profile:1', () => ({ name: 'never' }), { ttlSeconds: 60 });
    expect((hit as Record<string, unknown>).isAdmin).toBeUndefined();
    expectSameAsLoader(hit);
  });

  it('callers that joined a load get the value, not one whose prototype is the hostile key', async () => {
    const cache = getCache();
    const loader = async () => {
      await sleep(100);
      return hostileProfile();
    };
    const [leader, joiner] = await Promise.all([
      cache.getOrSet('profile:2', loader, { ttlSeconds: 60 }),
      (async () => {
        await sleep(10);
        return cache.getOrSet('profile:2', loader, { ttlSeconds: 60 });
      })(),
    ]);
    expectSameAsLoader(leader);
    expect((joiner as Record<string, unknown>).isAdmin).toBeUndefined();
    expectSameAsLoader(joiner);
  });
}

describe('adversarial: own "__proto__" key through the memory tier copies', () => {
  describe('memory-only (no Redis configured)', () => {
    let standalone: StandaloneCache;
    beforeAll(async () => {
      standalone = await createStandaloneCache({ keyPrefix: 'proto-mem' });
    });
    afterAll(async () => {
      await standalone?.close();
    });
    attacks(() => standalone.cache);
  });

  describe('memory tier in front of Redis', () => {
    let server: RedisServer;
    let svc: { cache: CacheService; close: () => Promise<void> };
    beforeAll(async () => {
      server = await RedisServer.start();
      svc = await startCacheService(server.url, {});
    });
    afterAll(async () => {
      await svc?.close();
      await server?.stop();
    });
    attacks(() => svc.cache);

    it('control: read from Redis (memory: false), the same value comes back intact', async () => {
      await svc.cache.set('profile:3', hostileProfile(), { ttlSeconds: 60 });
      const fromRedis = await svc.cache.getOrSet('profile:3', () => ({ name: 'never' }), {
        ttlSeconds: 60,
        memory: false,
      });
      expectSameAsLoader(fromRedis);
    });
  });
});
