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
});
