import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisService } from 'nestjs-coherent-cache';
import { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';

/** A client seen with one script command that a test defines while a pipeline is open. */
type WithLateCommand = Redis & { lateEcho(value: string): Promise<string> };

describe('script commands defined while an auto-pipeline is open (BullMQ on the shared client)', () => {
  let server: RedisServer;
  let redis: RedisService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    server = await RedisServer.start();
    ({ redis, close } = await startRedisService(server.url, { autoPipelining: true }));
  });

  afterAll(async () => {
    await close();
    await server.stop();
  });

  it('answers a command defined and called in the turn a pipeline was opened', async () => {
    const client = redis.getClient() as WithLateCommand;
    // This GET opens an auto-pipeline that is sent at the end of the event-loop turn.
    const before = client.get(redis.namespace.toRedisKey('before'));
    client.defineCommand('lateEcho', { numberOfKeys: 0, lua: 'return ARGV[1]' });
    const late = client.lateEcho('answered');
    await expect(late).resolves.toBe('answered');
    await expect(before).resolves.toBeNull();
    // The pipeline that carried both is consistent: the next calls are answered too.
    await expect(client.lateEcho('again')).resolves.toBe('again');
    expect(await redis.set('after', 1)).toBe(true);
  });

  it('serves a BullMQ queue that loads its scripts while cache traffic is in flight', async () => {
    const client = redis.getClient() as Redis;
    // BullMQ defines its scripts when it sees the connection ready, then runs them at once
    // (without a version check in between when INFO is skipped, as for an ACL user).
    const queue = new Queue(`scripts-${Date.now()}`, {
      connection: client,
      // As QueueService does: BullMQ's keys inside the namespace (an ACL user may touch no other).
      prefix: `${redis.settings.keyPrefix}:bull`,
      skipVersionCheck: true,
    });
    try {
      const traffic = Array.from({ length: 50 }, (_, i) => redis.get(`k${i}`));
      const [counts] = await Promise.all([queue.getJobCounts('waiting', 'active'), ...traffic]);
      expect(counts).toEqual({ waiting: 0, active: 0 });
      const job = await queue.add('x', { n: 1 });
      expect(await job.getState()).toBe('waiting');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
