import { expectCleanFailover, runFailoverUnderLoad } from '../support/failover-scenario.js';
import { SentinelTopology } from '../support/sentinel-topology.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

describe('Sentinel failovers under 200 cache ops/s and 200 HTTP req/s', () => {
  let topology: SentinelTopology;
  let app: TestApp;

  beforeAll(async () => {
    topology = await SentinelTopology.start({ downAfterMs: 2_000, failoverTimeoutMs: 5_000 });
    app = await createTestApp()
      .withEnv({ REDIS_SENTINELS: topology.sentinelList, REDIS_SENTINEL_NAME: topology.masterName })
      .start();
    await waitFor(() => app.redis.isAvailable, { what: 'the backend to reach the master' });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await topology?.stop();
  });

  beforeEach(() => topology.waitUntilHealthy(), 40_000);

  it('SENTINEL FAILOVER: no exception, writes move to the new master', async () => {
    const oldMaster = await topology.currentMaster();
    const result = await runFailoverUnderLoad({
      title: 'Sentinel: SENTINEL FAILOVER',
      app,
      nodePorts: topology.dataNodes.map((n) => n.port),
      oldMaster,
      kills: false,
      fault: () => topology.requestFailover(),
      waitForSwitch: async () => {
        const { master, seenAtMs } = await topology.waitForNewMaster(oldMaster);
        return { newMaster: master, seenAtMs };
      },
    });
    expectCleanFailover(result);
  }, 60_000);

  it('killed master: no exception, writes resume on the promoted replica', async () => {
    const oldMaster = await topology.currentMaster();
    const result = await runFailoverUnderLoad({
      title: 'Sentinel: master killed (SIGKILL)',
      app,
      nodePorts: topology.dataNodes.map((n) => n.port),
      oldMaster,
      kills: true,
      fault: () => oldMaster.kill(),
      waitForSwitch: async () => {
        const { master, seenAtMs } = await topology.waitForNewMaster(oldMaster);
        return { newMaster: master, seenAtMs };
      },
    });
    expectCleanFailover(result);
    expect(result.writes.lost).toBe(0);
  }, 60_000);
});
