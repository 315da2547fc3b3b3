import type { Redis } from 'ioredis';
import {
  resolveCacheModuleOptions,
  type ConnectedCacheModuleOptions,
} from '../../libs/cache/src/cache-module.options.js';
import { createRedisClient } from '../../libs/cache/src/connection/redis-client.factory.js';
import { SentinelTopology } from '../support/sentinel-topology.js';
import { sleep, waitFor } from '../support/wait-for.js';

/**
 * The client of a killed master asks the Sentinels for the new one, again and again; the
 * `+switch-master` announcement can arrive while it is asking. (ioredis's own connector then
 * ended the client for good: `status` `end`, every later call "Connection is closed.")
 * The Sentinels sit behind proxies here so that the question is made to hang while the switch
 * is announced, every time.
 */
describe('Sentinel: the switch is announced while the client reconnects', () => {
  let topology: SentinelTopology;
  let client: Redis | undefined;

  beforeAll(async () => {
    // No automatic failover during the test: the one failover is asked for.
    topology = await SentinelTopology.start({ proxiedSentinels: true, downAfterMs: 60_000 });
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await topology?.stop();
  });

  it('reaches the new master instead of giving up', async () => {
    const options: ConnectedCacheModuleOptions = {
      ...resolveCacheModuleOptions({ keyPrefix: 'switch' }),
      connection: topology.connection,
    };
    client = createRedisClient(options, 'switch:cache') as Redis;
    client.on('error', () => undefined); // the reconnection's errors are expected here
    const statuses: string[] = [];
    client.on('end', () => statuses.push('end'));
    await client.connect();
    const oldMaster = await topology.currentMaster();
    // The client has subscribed to `+switch-master` on every Sentinel (through the proxies).
    await waitFor(
      async () => {
        const lists = await Promise.all(topology.sentinels.map((s) => s.cli('CLIENT', 'LIST')));
        return lists.every((list) => list.includes('cmd=subscribe'));
      },
      { what: "the client's +switch-master subscriptions" },
    );

    await oldMaster.kill();
    await waitFor(() => client?.status !== 'ready', { what: 'the client to lose the master' });
    // Questions to the Sentinels now hang (the subscriptions made before stay up).
    for (const proxy of topology.sentinelProxies) proxy.cut('blackhole', { keepOpen: true });
    await topology.requestFailover();
    const { master: newMaster } = await topology.waitForNewMaster(oldMaster);
    // Every Sentinel has announced the switch by now (they learn it from each other).
    await waitFor(
      async () => {
        const ports = await Promise.all(
          topology.sentinels.map((s) =>
            s.cli('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', topology.masterName),
          ),
        );
        return ports.every((reply) => reply.includes(String(newMaster.port)));
      },
      { what: 'every Sentinel to name the new master' },
    );
    await sleep(500);
    for (const proxy of topology.sentinelProxies) proxy.heal();

    await waitFor(() => client?.status === 'ready', {
      timeoutMs: 10_000,
      what: `the client to reach the new master (its status: ${client.status})`,
    });
    await client.set('switch:after', 'landed');
    expect(await newMaster.cli('GET', 'switch:after')).toBe('landed');
    expect(statuses).toEqual([]);
  }, 60_000);
});
