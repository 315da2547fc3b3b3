import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { sleep } from '../support/wait-for.js';

/**
 * A write sent to a hung Redis sits in the socket; when Redis resumes it would be applied long
 * after its caller was told it failed. The late-write guard makes Redis refuse it.
 */
describe('writes whose caller timed out', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  async function writeDuringPause(
    lateWriteGuard: boolean,
  ): Promise<{ stored: boolean[]; landed: string }> {
    const { redis, close } = await startRedisService(server.url, {
      commandTimeoutMs: 200,
      lateWriteGuard,
    });
    try {
      server.pause();
      const stored = await Promise.all([
        redis.set('late', 'value', 600),
        redis.incrBy('late-counter', 5),
      ]);
      await sleep(300);
      server.resume();
      await sleep(300);
      const landed = await server.cli(
        'EXISTS',
        redis.namespace.toRedisKey('late'),
        redis.namespace.toRedisKey('late-counter'),
      );
      return { stored: [stored[0], stored[1] !== null], landed };
    } finally {
      server.resume();
      await close();
    }
  }

  it('are refused by Redis when the guard is on (the default)', async () => {
    const { stored, landed } = await writeDuringPause(true);
    expect(stored).toEqual([false, false]);
    expect(landed).toBe('0');
  });

  it('would land after the pause without the guard', async () => {
    const { stored, landed } = await writeDuringPause(false);
    expect(stored).toEqual([false, false]);
    expect(landed).toBe('2');
  });

  it('a batch of writes sent in one turn is refused whole after a pause, and lands otherwise', async () => {
    const { redis, close } = await startRedisService(server.url, { commandTimeoutMs: 200 });
    const keys = Array.from({ length: 20 }, (_, i) => `batch:${i}`);
    const redisKeys = keys.map((k) => redis.namespace.toRedisKey(k));
    try {
      server.pause();
      const during = await Promise.all(keys.map((k) => redis.set(k, 'value', 600)));
      await sleep(300);
      server.resume();
      await sleep(300);
      expect(during.filter(Boolean)).toHaveLength(0);
      expect(await server.cli('EXISTS', ...redisKeys)).toBe('0');

      const after = await Promise.all(keys.map((k) => redis.set(k, 'value', 600)));
      expect(after.every(Boolean)).toBe(true);
      expect(await server.cli('EXISTS', ...redisKeys)).toBe('20');
    } finally {
      server.resume();
      await close();
    }
  });

  it('writes batched in one turn run in order, each with its own outcome, in one script call', async () => {
    const { redis, close } = await startRedisService(server.url, { commandTimeoutMs: 500 });
    const scriptCalls = async () => {
      const stats = await server.cli('INFO', 'commandstats');
      return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };
    try {
      expect(await redis.set('order:string', 'x', 600)).toBe(true);
      const before = await scriptCalls();
      const outcomes = await Promise.all([
        redis.hset('order:string', { field: 1 }), // a hash write on a string: WRONGTYPE
        redis.set('order:k', 1, 600),
        redis.set('order:k', 2, 600),
        redis.del('order:missing'),
      ]);
      const calls = (await scriptCalls()) - before;
      expect(outcomes).toEqual([false, true, true, 0]);
      expect(await redis.get('order:k')).toBe(2);
      expect(await redis.get('order:string')).toBe('x');
      // One batch (two while the script is loaded by EVAL after a NOSCRIPT).
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThanOrEqual(2);
    } finally {
      await close();
    }
  });

  it('a turn of 300 writes (more than one script call) lands whole, each with its own reply', async () => {
    const { redis, close } = await startRedisService(server.url, { commandTimeoutMs: 1_000 });
    const keys = Array.from({ length: 300 }, (_, i) => `many:${i}`);
    try {
      const stored = await Promise.all(keys.map((k, i) => redis.set(k, i, 600)));
      expect(stored.every(Boolean)).toBe(true);
      const values = await Promise.all(keys.map((k) => redis.get<number>(k)));
      expect(values).toEqual(keys.map((_, i) => i));
    } finally {
      await close();
    }
  });
});
