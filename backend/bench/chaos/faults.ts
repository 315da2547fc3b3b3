import { ClusterTopology } from '../../test/support/cluster-topology.js';
import { LatencyProxy } from '../../test/support/latency-proxy.js';
import { RedisServer } from '../../test/support/redis-server.js';
import { SentinelTopology } from '../../test/support/sentinel-topology.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Fault, FaultStage } from './chaos.types.js';

/** How long a held fault lasts, in ms. */
export const HOLD_MS = 6_000;
/** Delay the proxy adds per chunk and direction during the latency fault, in ms. */
export const PROXY_DELAY_MS = 200;
/** Keys loaded before the large-dataset restart. */
export const LARGE_DATASET_KEYS = 1_000_000;

/** A stage on one `redis-server`; `extra` runs before it is stopped. */
function single(
  server: RedisServer,
  parts: Omit<FaultStage, 'connection' | 'stop'>,
  extra: () => Promise<void> = () => Promise.resolve(),
): FaultStage {
  return {
    connection: { mode: 'single', url: server.url },
    ...parts,
    stop: async () => {
      await extra();
      await server.stop();
    },
  };
}

/** Error replies the server has sent, by kind (`errorstat_OOM:count=12`, …). */
async function errorStats(server: RedisServer): Promise<string> {
  const info = await server.cli('INFO', 'errorstats');
  const lines = info.split('\n').filter((l) => l.startsWith('errorstat_'));
  return lines.length > 0
    ? `server error replies: ${lines.join(', ')}`
    : 'server error replies: none';
}

/** Restarts `server` without waiting for it to answer; the wait is kept for `stop`. */
function restartInBackground(server: RedisServer): Promise<void> {
  return server.restart().catch((error: unknown) => {
    process.stderr.write(`restart failed: ${String(error)}\n`);
  });
}

const kill: Fault = {
  name: 'kill',
  summary: `SIGKILL the server, restart it ${HOLD_MS / 1000} s later (empty)`,
  prepare: async () => {
    const server = await RedisServer.start();
    let restarted: Promise<void> = Promise.resolve();
    return single(
      server,
      {
        inject: () => server.kill(),
        holdMs: HOLD_MS,
        end: () => {
          restarted = restartInBackground(server);
        },
      },
      () => restarted,
    );
  },
};

const pause: Fault = {
  name: 'pause',
  summary: `SIGSTOP the server, SIGCONT ${HOLD_MS / 1000} s later`,
  prepare: async () => {
    const server = await RedisServer.start();
    return single(server, {
      inject: () => server.pause(),
      holdMs: HOLD_MS,
      end: () => server.resume(),
    });
  },
};

const clientPause: Fault = {
  name: 'client-pause',
  summary: `CLIENT PAUSE ${HOLD_MS} ALL (lifts by itself)`,
  prepare: async () => {
    const server = await RedisServer.start();
    return single(server, {
      inject: async () => {
        await server.cli('CLIENT', 'PAUSE', String(HOLD_MS), 'ALL');
      },
      holdMs: HOLD_MS,
      end: () => undefined,
    });
  },
};

const latency: Fault = {
  name: 'latency',
  summary: `+${PROXY_DELAY_MS} ms per chunk each way through a TCP proxy, for ${HOLD_MS / 1000} s`,
  prepare: async () => {
    const server = await RedisServer.start();
    const proxy = await LatencyProxy.start(server.port);
    return {
      connection: { mode: 'single', url: proxy.url },
      inject: () => {
        proxy.delayMs = PROXY_DELAY_MS;
      },
      holdMs: HOLD_MS,
      end: () => {
        proxy.delayMs = 0;
      },
      stop: async () => {
        await proxy.stop();
        await server.stop();
      },
    };
  },
};

const largeRestart: Fault = {
  name: 'large-restart',
  summary: `SIGKILL a server holding ${LARGE_DATASET_KEYS / 1000}k keys in its RDB, restart after 1 s (LOADING)`,
  prepare: async () => {
    // Readiness is checked here, not by the harness, so that the restart does not poll with
    // `redis-cli` from this process while Redis loads (that would slow both apps down).
    const server = await RedisServer.start({
      args: ['--enable-debug-command', 'yes'],
      skipReadyCheck: true,
    });
    await waitFor(async () => (await server.cli('PING').catch(() => '')) === 'PONG', {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'redis-server to answer PING',
    });
    await server.cli('DEBUG', 'POPULATE', String(LARGE_DATASET_KEYS), 'bulk', '64');
    await server.cli('SAVE');
    let restarted: Promise<void> = Promise.resolve();
    return single(
      server,
      {
        inject: () => server.kill(),
        holdMs: 1_000,
        end: () => {
          restarted = restartInBackground(server);
        },
        evidence: async () => {
          await restarted;
          const info = await server.cli('INFO', 'persistence');
          const ms = /rdb_last_load_keys_loaded:(\d+)|loading_loaded_perc/.exec(info);
          const keys = await server.cli('DBSIZE');
          return `after restart: ${keys} keys${ms ? `, ${ms[0]}` : ''}`;
        },
      },
      () => restarted,
    );
  },
};

const maxmemory: Fault = {
  name: 'maxmemory',
  summary: `maxmemory = used - 64 KB, noeviction (every write gets OOM), for ${HOLD_MS / 1000} s`,
  prepare: async () => {
    const server = await RedisServer.start();
    return single(server, {
      inject: async () => {
        const info = await server.cli('INFO', 'memory');
        const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? '0');
        await server.cli('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        await server.cli('CONFIG', 'SET', 'maxmemory', String(Math.max(1, used - 64 * 1024)));
      },
      holdMs: HOLD_MS,
      end: async () => {
        await server.cli('CONFIG', 'SET', 'maxmemory', '0');
      },
      evidence: () => errorStats(server),
    });
  },
};

const replicaof: Fault = {
  name: 'replicaof',
  summary: `REPLICAOF another server (writes get READONLY), REPLICAOF NO ONE ${HOLD_MS / 1000} s later`,
  prepare: async () => {
    const server = await RedisServer.start();
    const other = await RedisServer.start();
    return single(
      server,
      {
        inject: async () => {
          await server.cli('REPLICAOF', '127.0.0.1', String(other.port));
        },
        holdMs: HOLD_MS,
        end: async () => {
          await server.cli('REPLICAOF', 'NO', 'ONE');
        },
        evidence: () => errorStats(server),
      },
      () => other.stop(),
    );
  },
};

const sentinelFailover: Fault = {
  name: 'sentinel-failover',
  summary: 'SENTINEL FAILOVER (1 master, 1 replica, 3 Sentinels); ends when the new master is seen',
  prepare: async () => {
    const topology = await SentinelTopology.start();
    let previous: RedisServer | undefined;
    return {
      connection: {
        mode: 'sentinel',
        name: topology.masterName,
        sentinels: topology.connection.sentinels,
      },
      inject: async () => {
        previous = await topology.currentMaster();
        await topology.requestFailover();
      },
      holdMs: 0,
      end: async () => {
        if (previous) await topology.waitForNewMaster(previous);
      },
      endsWithSwitch: true,
      stop: () => topology.stop(),
    };
  },
};

const clusterFailover: Fault = {
  name: 'cluster-failover',
  summary:
    'CLUSTER FAILOVER on a replica (3 masters, 3 replicas); ends when every node sees it master',
  prepare: async () => {
    const topology = await ClusterTopology.start();
    let replica: RedisServer | undefined;
    return {
      connection: { mode: 'cluster', nodes: topology.connection.nodes },
      inject: async () => {
        const [first] = await topology.masters();
        if (!first) throw new Error('no master');
        replica = await topology.replicaOf(first.server);
        await topology.manualFailover(replica);
      },
      holdMs: 0,
      end: async () => {
        const target = replica;
        if (!target) return;
        await topology.waitForPromotion(target, { retry: () => topology.manualFailover(target) });
      },
      endsWithSwitch: true,
      stop: () => topology.stop(),
    };
  },
};

/** Every fault, in the order they run. */
export const FAULTS: readonly Fault[] = [
  kill,
  pause,
  clientPause,
  latency,
  largeRestart,
  maxmemory,
  replicaof,
  sentinelFailover,
  clusterFailover,
];
