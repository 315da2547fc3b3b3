import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClusterConnection } from 'nestjs-coherent-cache';
import { hashSlot } from '../../libs/cache/src/keys/hash-slot.js';
import { RedisServer } from './redis-server.js';
import { waitFor } from './wait-for.js';

const execFileAsync = promisify(execFile);

/** Options of {@link ClusterTopology.start}. */
export interface ClusterTopologyOptions {
  /** `cluster-node-timeout`, in ms: how long a node may be unreachable before failover. Default 2,000. */
  nodeTimeoutMs?: number;
}

/** Options of {@link ClusterTopology.waitForPromotion}. */
export interface PromotionWaitOptions {
  timeoutMs?: number;
  /** Asks for the failover again (a manual failover whose election failed). */
  retry?: () => Promise<void>;
  /** How long to wait before each retry, in ms. Default 8,000. */
  retryEveryMs?: number;
}

/** One line of `CLUSTER NODES`. */
export interface ClusterNodeView {
  id: string;
  port: number;
  flags: string[];
  /** Id of its master, for a replica. */
  masterId: string | undefined;
  linkState: string;
  /** Slot ranges served, `[first, last]` inclusive (masters only). */
  slotRanges: [number, number][];
}

/**
 * Three masters with one replica each, created with `redis-cli --cluster create` from
 * `redis-server` processes on loopback. {@link start} returns once every node reports
 * `cluster_state:ok`, all 16,384 slots are served, and every replica's link is up.
 */
export class ClusterTopology {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(options: ClusterTopologyOptions = {}): Promise<ClusterTopology> {
    const args = [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      String(options.nodeTimeoutMs ?? 2_000),
      '--repl-diskless-sync-delay',
      '0',
    ];
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < 6; i += 1) nodes.push(await RedisServer.start({ args }));
      await execFileAsync(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `127.0.0.1:${n.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
          ...(nodes[0]?.authCliArgs() ?? []),
        ],
        { timeout: 30_000 },
      );
      const topology = new ClusterTopology(nodes);
      await topology.waitUntilHealthy();
      return topology;
    } catch (error) {
      // Leave no process behind when the cluster could not be built.
      await Promise.all(nodes.map((n) => n.stop()));
      throw error;
    }
  }

  /** `host:port,…` of every node, as `REDIS_CLUSTER_NODES` takes it. */
  get nodeList(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  /** The connection options of the cache module for this topology (every node as a seed). */
  get connection(): ClusterConnection {
    return { mode: 'cluster', nodes: this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) };
  }

  /** The cluster as a running node sees it (`CLUSTER NODES`). */
  async view(): Promise<ClusterNodeView[]> {
    for (const node of this.nodes) {
      if (!node.running) continue;
      try {
        return parseClusterNodes(await node.cli('CLUSTER', 'NODES'));
      } catch {
        // try the next node
      }
    }
    throw new Error('no cluster node answered');
  }

  /** The nodes that are masters now, with the slot ranges they serve. */
  async masters(): Promise<{ server: RedisServer; view: ClusterNodeView }[]> {
    const view = await this.view();
    return view
      .filter((n) => n.flags.includes('master') && !isFailing(n) && n.slotRanges.length > 0)
      .map((n) => ({ server: this.byPort(n.port), view: n }));
  }

  /** The master that serves the slot of `redisKey` now. */
  async ownerOf(redisKey: string): Promise<RedisServer> {
    const slot = hashSlot(redisKey);
    const owner = (await this.masters()).find(({ view }) =>
      view.slotRanges.some(([first, last]) => slot >= first && slot <= last),
    );
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner.server;
  }

  /** The replica of `master`. */
  async replicaOf(master: RedisServer): Promise<RedisServer> {
    const view = await this.view();
    const masterView = view.find((n) => n.port === master.port);
    const replica = view.find((n) => n.masterId === masterView?.id && !isFailing(n));
    if (!replica) throw new Error(`no replica of port ${master.port}`);
    return this.byPort(replica.port);
  }

  /** Runs `CLUSTER FAILOVER` on `replica`: a coordinated switch with its master. */
  async manualFailover(replica: RedisServer): Promise<void> {
    const reply = await replica.cli('CLUSTER', 'FAILOVER');
    if (reply !== 'OK') throw new Error(`CLUSTER FAILOVER answered ${reply}`);
  }

  /**
   * Waits until `replica` is a master serving slots, as seen by every other running node.
   * Returns when it was first seen (`Date.now()`). `retry`, when given, runs again every
   * `retryEveryMs` while the promotion has not happened (a manual failover whose election
   * failed is not retried by Redis itself).
   */
  async waitForPromotion(
    replica: RedisServer,
    { timeoutMs = 30_000, retry, retryEveryMs = 8_000 }: PromotionWaitOptions = {},
  ): Promise<number> {
    let nextRetryAtMs = Date.now() + retryEveryMs;
    const seenAtMs = await waitFor(
      async () => {
        if (retry && Date.now() >= nextRetryAtMs) {
          nextRetryAtMs = Date.now() + retryEveryMs;
          await retry().catch(() => undefined);
        }
        for (const node of this.nodes) {
          if (!node.running || node === replica) continue;
          const view = parseClusterNodes(await node.cli('CLUSTER', 'NODES'));
          const seen = view.find((n) => n.port === replica.port);
          if (!seen?.flags.includes('master') || seen.slotRanges.length === 0) return null;
        }
        return Date.now();
      },
      { timeoutMs, intervalMs: 20, what: `port ${replica.port} to be promoted` },
    );
    if (seenAtMs === null) throw new Error('not promoted');
    return seenAtMs;
  }

  /**
   * Waits until the cluster is whole: every node running reports `cluster_state:ok`, three
   * masters serve all 16,384 slots, no node is flagged failing, and each master has a replica
   * whose link is up.
   */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.isHealthy(), {
      timeoutMs,
      intervalMs: 100,
      what: 'the cluster to be healthy',
    });
  }

  /** Stops every node and removes their folders. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  /** The server on `port`. */
  byPort(port: number): RedisServer {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`port ${port} is not a node of this cluster`);
    return node;
  }

  private async isHealthy(): Promise<boolean> {
    for (const node of this.nodes) {
      if (!node.running) return false;
      const info = await node.cli('CLUSTER', 'INFO');
      if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) {
        return false;
      }
      if (!info.includes(`cluster_known_nodes:${this.nodes.length}`)) return false;
      const view = parseClusterNodes(await node.cli('CLUSTER', 'NODES'));
      if (view.some(isFailing)) return false;
    }
    const view = await this.view();
    const masters = view.filter((n) => n.flags.includes('master'));
    if (masters.length !== 3) return false;
    const served = masters.flatMap((m) => m.slotRanges).reduce((n, [a, b]) => n + b - a + 1, 0);
    if (served !== 16_384) return false;
    for (const master of masters) {
      const replica = view.find((n) => n.masterId === master.id);
      if (!replica) return false;
      const info = await this.byPort(replica.port).cli('INFO', 'replication');
      if (!info.includes('master_link_status:up')) return false;
    }
    return true;
  }
}

function isFailing(node: ClusterNodeView): boolean {
  return node.flags.some((f) => f === 'fail' || f === 'fail?' || f === 'noaddr');
}

/** Parses the text of `CLUSTER NODES`. */
export function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '-', , , , linkState = '', ...slots] =
        line.trim().split(' ');
      const port = Number(address.split('@')[0]?.split(':').pop());
      const slotRanges = slots
        .filter((s) => !s.startsWith('['))
        .map((s): [number, number] => {
          const [first, last] = s.split('-').map(Number);
          return [first as number, last ?? (first as number)];
        });
      return {
        id,
        port,
        flags: flags.split(','),
        masterId: masterId === '-' ? undefined : masterId,
        linkState,
        slotRanges,
      };
    });
}
