import { LockService, type LockHandle } from 'nestjs-coherent-cache';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep, waitFor } from '../support/wait-for.js';

/**
 * A resource protected by fencing tokens: it refuses a write carrying a token smaller than one
 * it has already accepted. It records every accepted write so that overlapping critical
 * sections (two holders' accepted writes interleaving) can be counted afterwards.
 */
class FencedResource {
  private highest = 0;
  readonly accepted: { token: number; atMs: number; phase: string }[] = [];
  staleRejected = 0;

  write(token: number, phase: 'begin' | 'step' | 'end'): boolean {
    if (token < this.highest) {
      this.staleRejected += 1;
      return false;
    }
    this.highest = token;
    this.accepted.push({ token, atMs: performance.now(), phase });
    return true;
  }

  /** Sections whose accepted writes interleave with another token's accepted writes. */
  overlaps(): number {
    const spans = new Map<number, { first: number; last: number }>();
    this.accepted.forEach((w, i) => {
      const span = spans.get(w.token);
      if (span) span.last = i;
      else spans.set(w.token, { first: i, last: i });
    });
    let overlaps = 0;
    for (const [token, span] of spans) {
      for (let i = span.first; i <= span.last; i += 1) {
        if (this.accepted[i]?.token !== token) {
          overlaps += 1;
          break;
        }
      }
    }
    return overlaps;
  }

  completedSections(afterMs = 0): number {
    return this.accepted.filter((w) => w.phase === 'end' && w.atMs >= afterMs).length;
  }
}

describe('distributed locks under contention, a paused holder and a Redis restart', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('8 workers for 30 s: 0 overlapping critical sections through the fencing token', async () => {
    const keyPrefix = `lk${Math.random().toString(36).slice(2, 8)}`;
    const contexts = await Promise.all(
      Array.from({ length: 8 }, () => startRedisService(server.url, { keyPrefix })),
    );
    const locks = contexts.map((c) => c.get(LockService));
    const resource = new FencedResource();
    const tokens: number[] = [];
    const believers = new Set<number>();
    let concurrentBelievers = 0;
    let lostSignals = 0;
    let pausedHolderTurns = 0;
    let foreignReleasesThatDeleted = 0;
    const ttlMs = 300;
    const runForMs = 30_000;
    const endsAt = performance.now() + runForMs;
    let restartedAt = Infinity;
    let restartMs = NaN;
    let tokensBeforeRestart = 0;

    const believe = (worker: number) => {
      if (believers.size > 0) concurrentBelievers += 1;
      believers.add(worker);
    };

    // A holder that stalls past its TTL without extending (a GC pause, a blocked event loop):
    // its lock expires, another worker takes over, then it wakes up and writes.
    const pausedWorker = async (lock: LockService) => {
      while (performance.now() < endsAt) {
        const handle = await lock.acquire('job', ttlMs, { waitMs: 500 });
        if (!handle) {
          // During the outage "not acquired" comes at once: do not spin on it.
          await sleep(10);
          continue;
        }
        tokens.push(handle.fencingToken);
        pausedHolderTurns += 1;
        believe(0);
        resource.write(handle.fencingToken, 'begin');
        await sleep(ttlMs * 3);
        resource.write(handle.fencingToken, 'step');
        resource.write(handle.fencingToken, 'end');
        believers.delete(0);
        if (await lock.release(handle)) {
          // Only possible if nobody took the lock during the stall.
        }
        await sleep(200);
      }
    };

    const worker = async (lock: LockService, id: number) => {
      while (performance.now() < endsAt) {
        const result = await lock.withLock(
          'job',
          ttlMs,
          async (signal, handle: LockHandle) => {
            tokens.push(handle.fencingToken);
            believe(id);
            try {
              if (!resource.write(handle.fencingToken, 'begin')) return;
              for (let step = 0; step < 3; step += 1) {
                await sleep(15);
                if (signal.aborted) {
                  lostSignals += 1;
                  return;
                }
                resource.write(handle.fencingToken, 'step');
              }
              resource.write(handle.fencingToken, 'end');
            } finally {
              believers.delete(id);
            }
          },
          { waitMs: 500 },
        );
        if (!result.acquired) await sleep(10);
        // A release with a token that is not the holder's must delete nothing.
        if (await lock.release({ key: 'job', token: 'not-the-holder' })) {
          foreignReleasesThatDeleted += 1;
        }
      }
    };

    const restarter = async () => {
      await sleep(runForMs / 2);
      const killedAt = performance.now();
      tokensBeforeRestart = tokens.length;
      await server.restart();
      restartedAt = performance.now();
      restartMs = restartedAt - killedAt;
    };

    try {
      await Promise.all([
        pausedWorker(locks[0] as LockService),
        ...locks.slice(1).map((lock, i) => worker(lock, i + 1)),
        restarter(),
      ]);
      const overlaps = resource.overlaps();
      const completedAfterRestart = resource.completedSections(restartedAt);
      process.stdout.write(
        [
          `locks: 8 workers, 30 s, TTL ${ttlMs} ms, Redis killed and restarted at 15 s (back in ${restartMs.toFixed(0)} ms)`,
          `  acquisitions ${tokens.length} (${tokensBeforeRestart} before the restart), unique fencing tokens ${new Set(tokens).size}`,
          `  lock-level concurrent holders (paused holder past its TTL) ${concurrentBelievers}; paused-holder turns ${pausedHolderTurns}`,
          `  stale writes refused by the resource ${resource.staleRejected}; lost-lock signals ${lostSignals}`,
          `  sections completed ${resource.completedSections()}, of which after the restart ${completedAfterRestart}`,
          `  overlapping critical sections ${overlaps}; foreign-token releases that deleted ${foreignReleasesThatDeleted}`,
        ].join('\n') + '\n',
      );
      expect(overlaps).toBe(0);
      expect(foreignReleasesThatDeleted).toBe(0);
      expect(new Set(tokens).size).toBe(tokens.length);
      // The scenario really happened: the paused holder was overtaken and fenced off.
      expect(concurrentBelievers).toBeGreaterThan(0);
      expect(resource.staleRejected).toBeGreaterThan(0);
      // Tokens stayed monotonic across the restart: new holders were not refused as stale.
      expect(completedAfterRestart).toBeGreaterThan(10);
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  }, 90_000);

  it('withLock extends the lock while fn runs, and aborts fn when the lock is lost', async () => {
    const { redis, get, close } = await startRedisService(server.url);
    const lock = get(LockService);
    try {
      const ttlMs = 300;
      const redisKey = redis.namespace.toRedisKey('lock:{long}');
      const held = await lock.withLock('long', ttlMs, async (signal) => {
        await sleep(ttlMs * 4);
        return { aborted: signal.aborted, exists: await server.cli('EXISTS', redisKey) };
      });
      expect(held).toMatchObject({ acquired: true, value: { aborted: false, exists: '1' } });
      expect(await server.cli('EXISTS', redisKey)).toBe('0');

      const startedAt = performance.now();
      const lost = await lock.withLock('long', ttlMs, async (signal) => {
        // Someone else takes over (an operator, or a Redis restart that lost the key).
        await server.cli('SET', redisKey, 'intruder', 'PX', '10000');
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        return { reason: (signal.reason as Error).name, afterMs: performance.now() - startedAt };
      });
      process.stdout.write(
        `withLock: lock taken over -> fn aborted after ${lost.acquired ? lost.value.afterMs.toFixed(0) : '?'} ms (TTL ${ttlMs} ms)\n`,
      );
      expect(lost).toMatchObject({ acquired: true, value: { reason: 'LockLostError' } });
      // The intruder's lock was not released by the old holder's finally.
      expect(await server.cli('GET', redisKey)).toBe('intruder');
    } finally {
      await close();
    }
  });

  it('a release or extension with a foreign token changes nothing', async () => {
    const { redis, get, close } = await startRedisService(server.url);
    const lock = get(LockService);
    try {
      const handle = await lock.acquire('guarded', 5_000);
      expect(handle).not.toBeNull();
      const redisKey = redis.namespace.toRedisKey('lock:{guarded}');
      const before = await server.cli('GET', redisKey);
      expect(await lock.release({ key: 'guarded', token: 'someone-else' })).toBe(false);
      expect(await lock.extend({ ...(handle as LockHandle), token: 'someone-else' }, 60_000)).toBe(
        false,
      );
      expect(await server.cli('GET', redisKey)).toBe(before);
      expect(Number(await server.cli('PTTL', redisKey))).toBeLessThanOrEqual(5_000);
      expect(await lock.acquire('guarded', 5_000)).toBeNull();
      expect(await lock.release(handle as LockHandle)).toBe(true);
      expect(await server.cli('EXISTS', redisKey)).toBe('0');
      const next = await lock.acquire('guarded', 5_000);
      expect(next?.fencingToken).toBeGreaterThan((handle as LockHandle).fencingToken);
    } finally {
      await close();
    }
  });

  it('answers "not acquired" within the command timeout while Redis is killed or hung', async () => {
    const commandTimeoutMs = 200;
    const { redis, get, close } = await startRedisService(server.url, { commandTimeoutMs });
    const lock = get(LockService);
    const timedAcquire = async () => {
      const startedAt = performance.now();
      const handle = await lock.acquire(`outage-${Math.random()}`, 1_000);
      return { handle, ms: performance.now() - startedAt };
    };
    try {
      server.pause();
      const hung = await Promise.all(Array.from({ length: 5 }, timedAcquire));
      server.resume();
      await waitFor(() => redis.isAvailable, { what: 'Redis back after the pause' });
      await server.kill();
      const killed = await Promise.all(Array.from({ length: 5 }, timedAcquire));
      const hungMax = Math.max(...hung.map((r) => r.ms));
      const killedMax = Math.max(...killed.map((r) => r.ms));
      process.stdout.write(
        `lock acquire during outage (command timeout ${commandTimeoutMs} ms): hung max ${hungMax.toFixed(1)} ms, killed max ${killedMax.toFixed(1)} ms\n`,
      );
      expect([...hung, ...killed].every((r) => r.handle === null)).toBe(true);
      // Margin for a loaded machine: the bound is the command timeout plus timer slack.
      expect(hungMax).toBeLessThan(commandTimeoutMs + 150);
      expect(killedMax).toBeLessThan(commandTimeoutMs + 150);
    } finally {
      server.resume();
      if (!server.running) await server.restart();
      await close();
    }
  });
});
