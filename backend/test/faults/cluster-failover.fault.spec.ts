import { hashSlot } from '../../libs/cache/src/keys/hash-slot.js';
import { ClusterTopology } from '../support/cluster-topology.js';
import { countOnServer } from '../support/redis-service.contract.js';
import {
  expectCleanFailover,
  runFailoverUnderLoad,
  type FailoverResult,
} from '../support/failover-scenario.js';
import type { RedisServer } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('Cluster failovers under 200 cache ops/s and 200 HTTP req/s', () => {
  let topology: ClusterTopology;
  let app: TestApp;

  beforeAll(async () => {
    topology = await ClusterTopology.start({ nodeTimeoutMs: 2_000 });
    app = await createTestApp().withEnv({ REDIS_CLUSTER_NODES: topology.nodeList }).start();
    await waitFor(() => app.redis.isAvailable, { what: 'the backend to reach the cluster' });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await topology?.stop();
  });

  beforeEach(() => topology.waitUntilHealthy(), 40_000);

  /** The failover of `oldMaster` to `replica`: only keys of the old master's slots are checked. */
  async function failover(
    title: string,
    oldMaster: RedisServer,
    replica: RedisServer,
    kills: boolean,
    fault: () => Promise<void>,
  ): Promise<FailoverResult> {
    const ranges = (await topology.masters()).find((m) => m.server === oldMaster)?.view.slotRanges;
    if (!ranges) throw new Error('the old master serves no slots');
    return runFailoverUnderLoad({
      title,
      app,
      nodePorts: topology.nodes.map((n) => n.port),
      oldMaster,
      kills,
      fault,
      waitForSwitch: async () => ({
        newMaster: replica,
        // A manual failover whose election failed is asked for again; a kill needs no help.
        seenAtMs: await topology.waitForPromotion(replica, kills ? {} : { retry: fault }),
      }),
      inScope: (redisKey) => {
        const slot = hashSlot(redisKey);
        return ranges.some(([first, last]) => slot >= first && slot <= last);
      },
    });
  }

  it('killed master: no exception, its replica takes over and writes resume there', async () => {
    const [first] = await topology.masters();
    const oldMaster = (first as { server: RedisServer }).server;
    const replica = await topology.replicaOf(oldMaster);
    const result = await failover(
      'Cluster: master killed (SIGKILL)',
      oldMaster,
      replica,
      true,
      () => oldMaster.kill(),
    );
    expectCleanFailover(result);
    expect(result.writes.lost).toBe(0);
  }, 60_000);

  it('CLUSTER FAILOVER on a replica: no exception, no write lost', async () => {
    const [, second] = await topology.masters();
    const oldMaster = (second as { server: RedisServer }).server;
    const replica = await topology.replicaOf(oldMaster);
    const result = await failover('Cluster: CLUSTER FAILOVER', oldMaster, replica, false, () =>
      topology.manualFailover(replica),
    );
    expectCleanFailover(result);
    expect(result.writes.lost).toBe(0);
  }, 60_000);

  it('after a failover the client has not seen, a prefix sweep still reaches every master', async () => {
    const entries = Array.from({ length: 300 }, (_, i): [string, number] => [`quiet:${i}`, i]);
    expect(await app.redis.mset(entries, 120)).toBe(true);
    const [, , third] = await topology.masters();
    const oldMaster = (third as { server: RedisServer }).server;
    const replica = await topology.replicaOf(oldMaster);
    const fault = () => topology.manualFailover(replica);
    await fault();
    await topology.waitForPromotion(replica, { retry: fault });

    expect(await app.redis.deleteByPrefix('quiet:')).toBe(300);
    const pattern = app.redis.namespace.matchPattern('quiet:');
    for (const { server } of await topology.masters()) {
      expect(await countOnServer(server, pattern)).toBe(0);
    }
  }, 40_000);
});
