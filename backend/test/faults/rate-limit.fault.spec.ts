import { join } from 'node:path';
import { RateLimiterService, RateLimitUnavailableError } from 'nestjs-coherent-cache';
import { ChildWorker, removeTranspiled, transpileForChildren } from '../support/child-process.js';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep, waitFor } from '../support/wait-for.js';

describe('sliding-window rate limiter across processes and under faults', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('4 processes sending twice the limit at once admit exactly the limit in each window', async () => {
    const outDir = await transpileForChildren();
    const script = join(outDir, 'test', 'support', 'rate-limit.child.js');
    const keyPrefix = `rl${Math.random().toString(36).slice(2, 8)}`;
    const workers = await Promise.all(
      Array.from({ length: 4 }, () =>
        ChildWorker.start(script, { REDIS_URL: server.url, KEY_PREFIX: keyPrefix }),
      ),
    );
    try {
      const limit = 100;
      const windowSeconds = 1;
      const perProcess = (2 * limit) / workers.length;
      const accepted: number[] = [];
      for (let window = 0; window < 3; window += 1) {
        const replies = await Promise.all(
          workers.map((w) =>
            w.request<{ accepted: number; fallback: number }>({
              type: 'burst',
              key: 'burst',
              count: perProcess,
              limit,
              windowSeconds,
            }),
          ),
        );
        const total = replies.reduce((sum, r) => sum + r.accepted, 0);
        const fallback = replies.reduce((sum, r) => sum + r.fallback, 0);
        accepted.push(total);
        process.stdout.write(
          `rate limit window ${window + 1}: 4 processes x ${perProcess} requests, limit ${limit} -> accepted ${total} (per process ${replies.map((r) => r.accepted).join('/')}, fallback ${fallback})\n`,
        );
        expect(fallback).toBe(0);
        // Wait for the whole window to slide past every admitted request.
        await sleep(windowSeconds * 1000 + 150);
      }
      expect(accepted).toEqual([limit, limit, limit]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await removeTranspiled(outDir);
    }
  }, 60_000);

  it('keeps deciding within 250 ms while Redis is killed, fails closed on request, and recovers', async () => {
    const { get, close } = await startRedisService(server.url);
    const limiter = get(RateLimiterService);
    try {
      expect((await limiter.check('k', 3, 60)).source).toBe('redis');
      const latencies: number[] = [];
      const sources = new Set<string>();
      const timed = async () => {
        const startedAt = performance.now();
        const result = await limiter.check('k', 1_000, 60);
        latencies.push(performance.now() - startedAt);
        sources.add(result.source);
      };
      // Decisions in flight while the server dies, then during the outage.
      const during = Array.from({ length: 20 }, () => timed());
      await server.kill();
      await Promise.all(during);
      for (let i = 0; i < 50; i += 1) await timed();
      const closedStartedAt = performance.now();
      await expect(limiter.check('k', 3, 60, { failClosed: true })).rejects.toBeInstanceOf(
        RateLimitUnavailableError,
      );
      const failClosedMs = performance.now() - closedStartedAt;
      const maxMs = Math.max(...latencies);
      process.stdout.write(
        `rate limit with Redis killed: ${latencies.length} decisions, max ${maxMs.toFixed(1)} ms, sources ${[...sources].join('+')}; fail-closed refusal in ${failClosedMs.toFixed(1)} ms\n`,
      );
      expect(maxMs).toBeLessThan(250);
      expect(failClosedMs).toBeLessThan(250);
      expect(sources.has('fallback')).toBe(true);

      // The per-process fallback still limits: 3 admitted out of 5 for a fresh key.
      const fallback = [];
      for (let i = 0; i < 5; i += 1) fallback.push(await limiter.check('fresh', 3, 60));
      expect(fallback.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
      expect(fallback.every((r) => r.source === 'fallback')).toBe(true);

      await server.restart();
      await waitFor(async () => (await limiter.check('after', 10, 60)).source === 'redis', {
        what: 'Redis decisions again',
      });
    } finally {
      await close();
      if (!server.running) await server.restart();
    }
  }, 60_000);

  it('keeps deciding within 250 ms while Redis is hung (SIGSTOP)', async () => {
    const { get, close } = await startRedisService(server.url);
    const limiter = get(RateLimiterService);
    try {
      expect((await limiter.check('h', 10, 60)).source).toBe('redis');
      server.pause();
      const latencies = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const startedAt = performance.now();
          const result = await limiter.check('h', 10, 60);
          return { ms: performance.now() - startedAt, source: result.source };
        }),
      );
      const maxMs = Math.max(...latencies.map((l) => l.ms));
      process.stdout.write(
        `rate limit with Redis hung: 20 concurrent decisions, max ${maxMs.toFixed(1)} ms, all fallback: ${latencies.every((l) => l.source === 'fallback')}\n`,
      );
      expect(latencies.every((l) => l.source === 'fallback')).toBe(true);
      expect(maxMs).toBeLessThan(250);
    } finally {
      server.resume();
      await close();
    }
  });
});
