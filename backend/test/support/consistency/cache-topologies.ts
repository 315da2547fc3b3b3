import { parseRedisUrl, type RedisConnectionOptions } from 'nestjs-coherent-cache';
import { ClusterTopology } from '../cluster-topology.js';
import { PartitionProxy, type PartitionMode } from '../partition-proxy.js';
import { RedisServer } from '../redis-server.js';
import { SentinelTopology } from '../sentinel-topology.js';
import { between, type Fault } from './fault-injector.js';

/** The cache Redis of a cross-process run, the faults it supports, and how to undo them. */
export interface CacheTopology {
  label: string;
  /** The connection of child `child` (its own proxy, when the topology has them). */
  connectionFor(child: number): RedisConnectionOptions;
  /**
   * The connection of child `child`'s plain Redis client (raw writes): the same path as its
   * cache's (its proxy, standalone), so that the proxy delays a raw write's reply as it delays
   * the invalidation messages of the child's memory tier.
   */
  rawConnectionFor(child: number): RedisConnectionOptions;
  faults: Fault[];
  /** A fault run once, half-way (a failover). */
  midpoint?: Fault;
  /** Undoes whatever a fault may have left behind. */
  heal(): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One cache `redis-server`, reached by each child through its own {@link PartitionProxy}.
 * Faults: SIGSTOP/SIGCONT, SIGKILL and restart (empty), `CLIENT KILL TYPE normal`, a cut of one
 * child's link (100–500 ms), and `maxmemory` pressure with `allkeys-lru` (evicts entries and
 * bookkeeping).
 */
export async function startStandalone(processes: number): Promise<CacheTopology> {
  const server = await RedisServer.start();
  const proxies = await Promise.all(
    Array.from({ length: processes }, () => PartitionProxy.start(server.port)),
  );
  let junkRound = 0;
  const faults: Fault[] = [
    {
      name: 'pause',
      weight: 2,
      inject: async (random) => {
        const ms = between(random, 100, 1_500);
        server.pause();
        await sleep(ms).finally(() => server.resume());
        return `SIGSTOP of the cache Redis for ${ms} ms`;
      },
    },
    {
      name: 'restart',
      weight: 1,
      inject: async (random) => {
        const ms = between(random, 100, 800);
        await server.kill();
        await sleep(ms);
        await server.restart();
        return `SIGKILL of the cache Redis, restarted empty ${ms} ms later`;
      },
    },
    {
      name: 'clientKill',
      weight: 2,
      inject: async () => {
        const killed = await server.cli('CLIENT', 'KILL', 'TYPE', 'normal');
        return `CLIENT KILL TYPE normal (${killed} connections)`;
      },
    },
    {
      name: 'linkKill',
      weight: 2,
      inject: async () => {
        const killed = await server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
        return `CLIENT KILL TYPE pubsub: the memory tiers' invalidation links (${killed})`;
      },
    },
    {
      name: 'cut',
      weight: 3,
      inject: async (random) => {
        const child = Math.floor(random() * proxies.length);
        const proxy = proxies[child] as PartitionProxy;
        const mode: PartitionMode = random() < 0.5 ? 'refuse' : 'blackhole';
        const ms = between(random, 100, 500);
        proxy.cut(mode);
        await sleep(ms).finally(() => proxy.heal());
        return `link of p${child} cut (${mode}) for ${ms} ms`;
      },
    },
    {
      name: 'memory',
      weight: 2,
      inject: (random) => memoryPressure(server, random, (junkRound += 1)),
    },
  ];
  return {
    label: 'standalone',
    connectionFor: (child) => parseRedisUrl((proxies[child] as PartitionProxy).url),
    rawConnectionFor: (child) => parseRedisUrl((proxies[child] as PartitionProxy).url),
    faults,
    heal: async () => {
      server.resume();
      for (const proxy of proxies) proxy.heal();
      if (!server.running) await server.restart();
      await server.cli('CONFIG', 'SET', 'maxmemory', '0');
    },
    stop: async () => {
      await Promise.all(proxies.map((p) => p.stop()));
      await server.stop();
    },
  };
}

/**
 * Fills the server with junk under a low `maxmemory` and `allkeys-lru` for a while, so that
 * Redis evicts cache entries, tag sets and versions alike; then lifts the limit.
 */
async function memoryPressure(
  server: RedisServer,
  random: () => number,
  round: number,
): Promise<string> {
  const used = infoNumber(await server.cli('INFO', 'memory'), 'used_memory');
  const evictedBefore = infoNumber(await server.cli('INFO', 'stats'), 'evicted_keys');
  const limitBytes = used + between(random, 64, 512) * 1024;
  await server.cli('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
  await server.cli('CONFIG', 'SET', 'maxmemory', String(limitBytes));
  const junkKeys = between(random, 500, 3_000);
  const value = 'x'.repeat(1_024);
  const keys = Array.from({ length: junkKeys }, (_, i) => `junk:${round}:${i}`);
  await server.cliBatch(keys.map((key) => ['SET', key, value]));
  const ms = between(random, 300, 1_500);
  await sleep(ms);
  const evicted = infoNumber(await server.cli('INFO', 'stats'), 'evicted_keys') - evictedBefore;
  await server.cli('CONFIG', 'SET', 'maxmemory', '0');
  const unlinks: string[][] = [];
  for (let i = 0; i < keys.length; i += 500) unlinks.push(['UNLINK', ...keys.slice(i, i + 500)]);
  await server.cliBatch(unlinks);
  return `maxmemory ${Math.round(limitBytes / 1024)} KB allkeys-lru + ${junkKeys} KB of junk for ${ms} ms: ${evicted} keys evicted`;
}

function infoNumber(info: string, field: string): number {
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1] ?? '0');
}

/**
 * A master, a replica and three Sentinels. Faults: `CLIENT KILL TYPE normal` and short pauses
 * (below Sentinel's down-after) of the master; half-way, `SENTINEL FAILOVER`.
 */
export async function startSentinel(): Promise<CacheTopology> {
  // A master that lost its replica refuses writes: without it, a deletion acknowledged by the
  // old master between the promotion and its demotion is lost (README, Consistency).
  const topology = await SentinelTopology.start({
    downAfterMs: 2_000,
    failoverTimeoutMs: 5_000,
    dataNodeArgs: ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '10'],
  });
  return {
    label: 'sentinel',
    connectionFor: () => topology.connection,
    rawConnectionFor: () => topology.connection,
    faults: [
      {
        name: 'clientKill',
        weight: 2,
        inject: async () => {
          const master = await topology.currentMaster();
          const killed = await master.cli('CLIENT', 'KILL', 'TYPE', 'normal');
          return `CLIENT KILL TYPE normal on the master ${master.port} (${killed} connections)`;
        },
      },
      {
        name: 'linkKill',
        weight: 1,
        inject: async () => {
          const master = await topology.currentMaster();
          const killed = await master.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
          return `CLIENT KILL TYPE pubsub on the master ${master.port} (${killed} links)`;
        },
      },
      {
        name: 'pause',
        weight: 1,
        inject: async (random) => {
          const master = await topology.currentMaster();
          const ms = between(random, 100, 800);
          master.pause();
          await sleep(ms).finally(() => master.resume());
          return `SIGSTOP of the master ${master.port} for ${ms} ms`;
        },
      },
    ],
    midpoint: {
      name: 'failover',
      weight: 0,
      inject: async () => {
        const old = await topology.currentMaster();
        await topology.requestFailover();
        const { master } = await topology.waitForNewMaster(old);
        return `SENTINEL FAILOVER: master ${old.port} -> ${master.port}`;
      },
    },
    heal: () => {
      for (const node of topology.dataNodes) node.resume();
      return Promise.resolve();
    },
    stop: () => topology.stop(),
  };
}

/**
 * Three masters with a replica each. Faults: `CLIENT KILL TYPE normal` and `TYPE pubsub` (the
 * memory tiers' invalidation links) on a master, short pauses of a master (below the node
 * timeout: no failover); half-way, SIGKILL of a master, its replica's promotion, and the old
 * master's restart as a replica.
 */
export async function startCluster(): Promise<CacheTopology> {
  const topology = await ClusterTopology.start({ nodeTimeoutMs: 2_000 });
  return {
    label: 'cluster',
    connectionFor: () => topology.connection,
    rawConnectionFor: () => topology.connection,
    faults: [
      {
        name: 'clientKill',
        weight: 1,
        inject: async (random) => {
          const masters = await topology.masters();
          const master = masters[Math.floor(random() * masters.length)];
          if (!master) return 'CLIENT KILL skipped: no master';
          const killed = await master.server.cli('CLIENT', 'KILL', 'TYPE', 'normal');
          return `CLIENT KILL TYPE normal on the master ${master.server.port} (${killed} connections)`;
        },
      },
      {
        name: 'linkKill',
        weight: 1,
        inject: async (random) => {
          const masters = await topology.masters();
          const master = masters[Math.floor(random() * masters.length)];
          if (!master) return 'CLIENT KILL skipped: no master';
          const killed = await master.server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
          return `CLIENT KILL TYPE pubsub on the master ${master.server.port} (${killed} links)`;
        },
      },
      {
        name: 'pause',
        weight: 1,
        inject: async (random) => {
          const masters = await topology.masters();
          const master = masters[Math.floor(random() * masters.length)];
          if (!master) return 'pause skipped: no master';
          const ms = between(random, 100, 800);
          master.server.pause();
          await sleep(ms).finally(() => master.server.resume());
          return `SIGSTOP of the master ${master.server.port} for ${ms} ms`;
        },
      },
    ],
    midpoint: {
      name: 'masterKill',
      weight: 0,
      inject: async (random) => {
        const masters = await topology.masters();
        const victim = masters[Math.floor(random() * masters.length)];
        if (!victim) return 'master kill skipped: no master';
        const replica = await topology.replicaOf(victim.server);
        await victim.server.kill();
        await topology.waitForPromotion(replica);
        await victim.server.restart();
        return `SIGKILL of the master ${victim.server.port}, replica ${replica.port} promoted, old master restarted`;
      },
    },
    heal: async () => {
      for (const node of topology.nodes) {
        node.resume();
        if (!node.running) await node.restart();
      }
    },
    stop: () => topology.stop(),
  };
}
