import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CacheError,
  CacheModule,
  CacheService,
  CacheWarmerService,
  CounterService,
  SessionService,
  SessionStoreUnavailableError,
} from 'nestjs-coherent-cache';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep } from '../support/wait-for.js';

describe('counters, cache warming and the session store against a real redis-server', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('counts exactly under concurrency from 4 contexts, with an expiry set once', async () => {
    const keyPrefix = `ct${Math.random().toString(36).slice(2, 8)}`;
    const contexts = await Promise.all(
      // This test is about atomicity, not latency: a generous timeout on a shared machine.
      Array.from({ length: 4 }, () =>
        startRedisService(server.url, { keyPrefix, commandTimeoutMs: 3_000 }),
      ),
    );
    try {
      const counters = contexts.map((c) => c.get(CounterService));
      const values = await Promise.all(
        counters.flatMap((counter) =>
          Array.from({ length: 250 }, () => counter.increment('hits', 1, { ttlSeconds: 60 })),
        ),
      );
      expect(new Set(values).size).toBe(1_000);
      expect(Math.max(...values)).toBe(1_000);
      const counter = counters[0] as CounterService;
      const redisKey = contexts[0]?.redis.namespace.toRedisKey('counter:hits') ?? '';
      await server.cli('PEXPIRE', redisKey, '30000');
      // A later change keeps the running expiry instead of pushing it back.
      expect(await counter.decrement('hits', 10, { ttlSeconds: 60 })).toBe(990);
      expect(Number(await server.cli('PTTL', redisKey))).toBeLessThanOrEqual(30_000);
      expect(await counter.value('hits')).toBe(990);
      expect(await counter.increment('no-expiry')).toBe(1);
      expect(
        await server.cli(
          'PTTL',
          contexts[0]?.redis.namespace.toRedisKey('counter:no-expiry') ?? '',
        ),
      ).toBe('-1');
      expect(await counter.reset('hits')).toBe(true);
      expect(await counter.value('hits')).toBe(0);
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  });

  it('warms keys with bounded concurrency and reports warmed, skipped and failed', async () => {
    const { get, close } = await startRedisService(server.url);
    const warmer = get(CacheWarmerService);
    const cache = get(CacheService);
    try {
      await cache.set('product:1', { id: 1, cached: true });
      let inFlight = 0;
      let maxInFlight = 0;
      const report = await warmer.warm(
        Array.from({ length: 20 }, (_, i) => `product:${i}`),
        async (key) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(20);
          inFlight -= 1;
          const id = Number(key.split(':')[1]);
          if (id === 13) throw new Error('loader failed');
          if (id === 7) return undefined;
          return { id, cached: false };
        },
        { concurrency: 4, ttlSeconds: 60 },
      );
      expect(report).toMatchObject({
        warmed: 17,
        skipped: 2,
        failed: 1,
        failedKeys: ['product:13'],
      });
      expect(maxInFlight).toBe(4);
      expect(await cache.get('product:1')).toEqual({ id: 1, cached: true });
      expect(await cache.get('product:2')).toEqual({ id: 2, cached: false });
      expect((await cache.describe('product:2')).ttlMs).toBeGreaterThan(50_000);
      // A warmed key is a hit for getOrSet: its loader does not run.
      expect(await cache.getOrSet('product:2', () => ({ id: 2, cached: 'reloaded' }))).toEqual({
        id: 2,
        cached: false,
      });
    } finally {
      await close();
    }
  });

  it('runs registered warming jobs when the application starts', async () => {
    @Injectable()
    class Catalogue {
      constructor(warmer: CacheWarmerService) {
        warmer.registerStartupJob({
          name: 'catalogue',
          keys: () => ['cat:a', 'cat:b'],
          load: (key) => Promise.resolve({ key }),
        });
      }
    }
    @Module({ providers: [Catalogue] })
    class CatalogueModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'warmstart'),
          keyPrefix: 'warmstart',
        }),
        CatalogueModule,
      ],
    }).compile();
    moduleRef.useLogger(false);
    const app = moduleRef.createNestApplication();
    try {
      await app.init();
      const reports = await moduleRef.get(CacheWarmerService).startupReports();
      expect(reports.get('catalogue')).toMatchObject({ warmed: 2, skipped: 0, failed: 0 });
      expect(await moduleRef.get(CacheService).get('cat:b')).toEqual({ key: 'cat:b' });
    } finally {
      await app.close();
    }
  });

  it('sessions: unguessable ids, no resurrection by update, pruned index, typed errors when down', async () => {
    // 200 concurrent creates: generous deadlines, this test is about behaviour, not latency.
    const { redis, get, close } = await startRedisService(server.url, {
      commandTimeoutMs: 3_000,
      patterns: { sessionTimeoutMs: 3_000 },
    });
    const sessions = get(SessionService) as SessionService<{ n: number }>;
    try {
      const created = await Promise.all(
        Array.from({ length: 200 }, () => sessions.create('u:1', { n: 0 })),
      );
      const ids = created.map((s) => s.sessionId);
      expect(new Set(ids).size).toBe(200);
      expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
      // The user id is encoded, so it cannot reach into another user's keys.
      const first = created[0]?.sessionId ?? '';
      expect(await server.cli('EXISTS', redis.namespace.toRedisKey(`session:u%3A1:${first}`))).toBe(
        '1',
      );

      expect(await sessions.update('u:1', first, { n: 1 })).toBe(true);
      expect((await sessions.get('u:1', first))?.data).toEqual({ n: 1 });
      expect(await sessions.delete('u:1', first)).toBe(true);
      expect(await sessions.update('u:1', first, { n: 2 })).toBe(false);
      expect(await sessions.get('u:1', first)).toBeNull();

      const short = await sessions.create('u:2', { n: 0 }, { ttlSeconds: 0.2 });
      const long = await sessions.create('u:2', { n: 0 });
      await sleep(400);
      expect(await sessions.list('u:2')).toEqual([long.sessionId]);
      expect(await sessions.get('u:2', short.sessionId)).toBeNull();
      expect(await sessions.deleteAll('u:1')).toBe(199);
      expect(await sessions.list('u:1')).toEqual([]);

      await server.kill();
      await expect(sessions.get('u:2', long.sessionId)).rejects.toBeInstanceOf(
        SessionStoreUnavailableError,
      );
      await expect(sessions.create('u:2', { n: 0 })).rejects.toBeInstanceOf(
        SessionStoreUnavailableError,
      );
      // Counters do not pretend either: a typed error, not a silent 0.
      await expect(get(CounterService).increment('x')).rejects.toBeInstanceOf(CacheError);
    } finally {
      if (!server.running) await server.restart();
      await close();
    }
  });
});
