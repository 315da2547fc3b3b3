import type { RedisService } from 'nestjs-coherent-cache';
import { patternsContract, type PatternsTarget } from '../support/patterns.contract.js';
import { redisServiceContract } from '../support/redis-service.contract.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { SentinelTopology } from '../support/sentinel-topology.js';
import { createTestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('RedisService through Sentinel (1 master, 1 replica, 3 Sentinels)', () => {
  let topology: SentinelTopology;
  let redis: RedisService;
  let close: () => Promise<void>;
  let get: PatternsTarget['get'];

  beforeAll(async () => {
    topology = await SentinelTopology.start();
    ({ redis, close, get } = await startRedisService(topology.connection));
  }, 60_000);

  afterAll(async () => {
    await close?.();
    await topology?.stop();
  });

  it('connects to the master that Sentinel names, not to the replica', async () => {
    expect(redis.mode).toBe('sentinel');
    const master = await topology.currentMaster();
    await redis.set('where', 'here', 60);
    expect(await master.cli('GET', redis.namespace.toRedisKey('where'))).toBe('"here"');
    const clients = await master.cli('CLIENT', 'LIST');
    expect(clients).toContain(`name=${redis.namespace.prefix}:cache`);
  });

  redisServiceContract(() => ({
    redis,
    ownerOf: () => topology.currentMaster(),
    masters: async () => [await topology.currentMaster()],
  }));

  patternsContract(() => ({ redis, get }));

  it('boots the backend from REDIS_SENTINELS and REDIS_SENTINEL_NAME', async () => {
    const app = await createTestApp()
      .withEnv({ REDIS_SENTINELS: topology.sentinelList, REDIS_SENTINEL_NAME: topology.masterName })
      .start();
    try {
      const response = await app.request('/');
      expect(response.status).toBe(200);
      expect(app.redis.mode).toBe('sentinel');
      await waitFor(() => app.redis.isAvailable, { what: 'the backend to reach the master' });
      expect((await app.redis.healthCheck()).healthy).toBe(true);
      expect(await app.redis.set('boot', 1)).toBe(true);
      const master = await topology.currentMaster();
      expect(await master.cli('GET', app.redis.namespace.toRedisKey('boot'))).toBe('1');
    } finally {
      await app.close();
    }
  });
});
