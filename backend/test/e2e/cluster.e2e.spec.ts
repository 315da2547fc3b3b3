import { Queue, Worker } from 'bullmq';
import type { Cluster } from 'ioredis';
import { queueNameFor, type RedisService } from 'nestjs-coherent-cache';
import { hashSlot } from '../../libs/cache/src/keys/hash-slot.js';
import { QueueService } from '../../src/queue/index.js';
import { ClusterTopology } from '../support/cluster-topology.js';
import { patternsContract, type PatternsTarget } from '../support/patterns.contract.js';
import { redisServiceContract } from '../support/redis-service.contract.js';
import { aclMode } from '../support/acl-mode.js';
import { startedWorker } from '../support/queue-workers.js';
import type { RedisServer } from '../support/redis-server.js';
import { startRedisService } from '../support/redis-service.fixture.js';
import { createTestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('RedisService on a Redis Cluster (3 masters, 3 replicas)', () => {
  let topology: ClusterTopology;
  let redis: RedisService;
  let close: () => Promise<void>;
  let get: PatternsTarget['get'];

  beforeAll(async () => {
    topology = await ClusterTopology.start();
    ({ redis, close, get } = await startRedisService(topology.connection));
  }, 60_000);

  afterAll(async () => {
    await close?.();
    await topology?.stop();
  });

  it('sees three masters that serve every slot', async () => {
    expect(redis.mode).toBe('cluster');
    const masters = await topology.masters();
    expect(masters).toHaveLength(3);
    const served = masters
      .flatMap(({ view }) => view.slotRanges)
      .reduce((n, [first, last]) => n + last - first + 1, 0);
    expect(served).toBe(16_384);
  });

  redisServiceContract(() => ({
    redis,
    ownerOf: (redisKey) => topology.ownerOf(redisKey),
    masters: async () => (await topology.masters()).map(({ server }) => server),
  }));

  patternsContract(() => ({ redis, get }));

  it('gives hash-tagged queue names one slot, so multi-key commands work on them', async () => {
    const client = redis.getClient();
    if (!client) throw new Error('no client');
    const name = queueNameFor('emails', redis.mode);
    // A BullMQ prefix without a hash tag of its own, inside the namespace the product may use.
    const prefix = `${redis.settings.keyPrefix}:bull`;
    const keys = ['wait', 'active', 'meta', 'events'].map((s) => `${prefix}:${name}:${s}`);
    expect(new Set(keys.map(hashSlot)).size).toBe(1);
    await client.del(...keys);
    await expect(client.rpoplpush(keys[0] as string, keys[1] as string)).resolves.toBeNull();
    const untagged = ['wait', 'active'].map((s) => `${prefix}:emails:${s}`);
    expect(hashSlot(untagged[0] as string)).not.toBe(hashSlot(untagged[1] as string));
    await expect(client.rpoplpush(untagged[0] as string, untagged[1] as string)).rejects.toThrow(
      /CROSSSLOT/,
    );
  });

  it('runs a BullMQ queue and worker on the Cluster under a hash-tagged name', async () => {
    const queueClient = redis.createClient('queue', { enableOfflineQueue: true }) as Cluster;
    const workerClient = redis.createClient('worker', {
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    }) as Cluster;
    const name = queueNameFor('emails', redis.mode);
    // Untagged, so that the queue name's tag decides the slot (QueueService tags the prefix).
    const prefix = `${redis.settings.keyPrefix}:bull`;
    // As QueueService does: an ACL user may not run BullMQ's INFO version check.
    const queue = new Queue(name, { connection: queueClient, prefix, skipVersionCheck: aclMode });
    const processed: number[] = [];
    const worker = new Worker<{ n: number }>(
      name,
      (job) => {
        processed.push(job.data.n);
        return Promise.resolve(job.data.n * 2);
      },
      { connection: workerClient, prefix, skipVersionCheck: aclMode },
    );
    const untagged = new Queue('emails', {
      connection: queueClient,
      prefix,
      skipVersionCheck: aclMode,
    });
    try {
      await queue.addBulk(Array.from({ length: 20 }, (_, n) => ({ name: 'send', data: { n } })));
      await waitFor(() => processed.length === 20, { what: '20 jobs processed' });
      expect(processed.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(await queue.getCompletedCount()).toBe(20);
      // Without the tag, the queue's keys spread over several slots and its scripts are refused.
      await expect(untagged.add('send', { n: 1 })).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await untagged.close();
      queueClient.disconnect();
      workerClient.disconnect();
    }
  });

  it('boots the backend from REDIS_CLUSTER_NODES', async () => {
    const app = await createTestApp().withEnv({ REDIS_CLUSTER_NODES: topology.nodeList }).start();
    try {
      const response = await app.request('/');
      expect(response.status).toBe(200);
      expect(app.redis.mode).toBe('cluster');
      await waitFor(() => app.redis.isAvailable, { what: 'the backend to reach the cluster' });
      expect((await app.redis.healthCheck()).healthy).toBe(true);
      expect(await app.redis.set('boot', 1)).toBe(true);
      const redisKey = app.redis.namespace.toRedisKey('boot');
      expect(await (await topology.ownerOf(redisKey)).cli('GET', redisKey)).toBe('1');
    } finally {
      await app.close();
    }
  });

  it("runs the backend's queues under its hash-tagged prefix {<keyPrefix>:bull}", async () => {
    const app = await createTestApp().withEnv({ REDIS_CLUSTER_NODES: topology.nodeList }).start();
    try {
      const queues = app.app.get(QueueService);
      await startedWorker(queues, 'post-publishing');
      const { id } = await queues.add('post-publishing', { workMs: 1 });
      await waitFor(
        async () => (await queues.getJob('post-publishing', id))?.state === 'completed',
        {
          what: 'the job to complete',
        },
      );
      const prefix = `{${app.redis.settings.keyPrefix}:bull}`;
      const keys = ['meta', 'completed', id].map((s) => `${prefix}:post-publishing:${s}`);
      const owners = await Promise.all(keys.map((key) => topology.ownerOf(key)));
      expect(new Set(owners.map((o) => o.port)).size).toBe(1);
      for (const key of keys) expect(await (owners[0] as RedisServer).cli('EXISTS', key)).toBe('1');
      const slots = ['post-publishing', 'webhook-processing'].map((q) =>
        hashSlot(`${prefix}:${q}:meta`),
      );
      expect(slots[0]).toBe(slots[1]);
    } finally {
      await app.close();
    }
  });
});
