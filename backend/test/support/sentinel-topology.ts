import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentinelConnection } from 'nestjs-coherent-cache';
import { ADMIN_PASSWORD, ADMIN_USER, aclMode } from './acl-mode.js';
import { freePort } from './free-port.js';
import { PartitionProxy } from './partition-proxy.js';
import { RedisServer } from './redis-server.js';
import { waitFor } from './wait-for.js';

/** Options of {@link SentinelTopology.start}. */
export interface SentinelTopologyOptions {
  /** The master group name. Default `cache`. */
  masterName?: string;
  /** How long a master must be unreachable before a Sentinel calls it down, in ms. Default 2,000. */
  downAfterMs?: number;
  /** Sentinel's failover timeout, in ms. Default 5,000. */
  failoverTimeoutMs?: number;
  /** More `redis-server` arguments for both data nodes (e.g. `--min-replicas-to-write 1`). */
  dataNodeArgs?: string[];
  /**
   * Put a {@link PartitionProxy} in front of each Sentinel, announced by it as its address: a
   * client then knows the Sentinels only through the proxies (they name each other that way).
   */
  proxiedSentinels?: boolean;
}

/** Arguments every data node gets: no delay before a replica's first sync. */
const DATA_NODE_ARGS = ['--repl-diskless-sync-delay', '0'];

/**
 * One master, one replica and three Sentinels (quorum 2) on loopback, started from
 * `redis-server`. {@link start} returns once the replica's link is up and every Sentinel knows
 * the replica and the two other Sentinels, so that a failover can be asked for at once.
 */
export class SentinelTopology {
  private constructor(
    readonly masterName: string,
    /** The two data nodes; which one is master changes with failovers. */
    readonly dataNodes: RedisServer[],
    readonly sentinels: RedisServer[],
    private readonly configDir: string,
    /** With `proxiedSentinels`, the proxy in front of each Sentinel (same order). */
    readonly sentinelProxies: PartitionProxy[] = [],
  ) {}

  static async start(options: SentinelTopologyOptions = {}): Promise<SentinelTopology> {
    const masterName = options.masterName ?? 'cache';
    const started: RedisServer[] = [];
    const proxies: PartitionProxy[] = [];
    const configDir = await mkdtemp(join(tmpdir(), 'sentinel-'));
    try {
      const nodeArgs = [...DATA_NODE_ARGS, ...(options.dataNodeArgs ?? [])];
      const master = await RedisServer.start({ args: nodeArgs });
      started.push(master);
      const replica = await RedisServer.start({
        args: [...nodeArgs, '--replicaof', '127.0.0.1', String(master.port)],
      });
      started.push(replica);
      const sentinels: RedisServer[] = [];
      for (let i = 0; i < 3; i += 1) {
        const configFile = join(configDir, `sentinel-${i}.conf`);
        const port = await freePort();
        const proxy = options.proxiedSentinels ? await PartitionProxy.start(port) : undefined;
        if (proxy) proxies.push(proxy);
        await writeFile(
          configFile,
          [
            `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 2`,
            `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 2_000}`,
            `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs ?? 5_000}`,
            `sentinel parallel-syncs ${masterName} 1`,
            ...(proxy
              ? ['sentinel announce-ip 127.0.0.1', `sentinel announce-port ${proxy.port}`]
              : []),
            // In an ACL run the data nodes' default user is off: Sentinel logs in as the admin.
            ...(aclMode
              ? [
                  `sentinel auth-user ${masterName} ${ADMIN_USER}`,
                  `sentinel auth-pass ${masterName} ${ADMIN_PASSWORD}`,
                ]
              : []),
            '',
          ].join('\n'),
        );
        const sentinel = await RedisServer.start({
          port,
          configFile,
          args: ['--sentinel'],
        });
        started.push(sentinel);
        sentinels.push(sentinel);
      }
      const topology = new SentinelTopology(
        masterName,
        [master, replica],
        sentinels,
        configDir,
        proxies,
      );
      await topology.waitUntilHealthy();
      return topology;
    } catch (error) {
      // Leave no process behind when the topology could not be built.
      await Promise.all(started.map((s) => s.stop()));
      await Promise.all(proxies.map((p) => p.stop()));
      await rm(configDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** `host:port,…` of the Sentinels, as `REDIS_SENTINELS` takes it. */
  get sentinelList(): string {
    return this.clientPorts.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** The ports a client is given for the Sentinels (their proxies', when proxied). */
  private get clientPorts(): number[] {
    return this.sentinelProxies.length > 0
      ? this.sentinelProxies.map((p) => p.port)
      : this.sentinels.map((s) => s.port);
  }

  /** The connection options of the cache module for this topology. */
  get connection(): SentinelConnection {
    return {
      mode: 'sentinel',
      name: this.masterName,
      sentinels: this.clientPorts.map((port) => ({ host: '127.0.0.1', port })),
    };
  }

  /** The data node that Sentinel names as master now (asks the first Sentinel that answers). */
  async currentMaster(): Promise<RedisServer> {
    for (const sentinel of this.sentinels) {
      if (!sentinel.running) continue;
      try {
        return this.byPort(await this.masterPortSeenBy(sentinel));
      } catch {
        // try the next Sentinel
      }
    }
    throw new Error('no Sentinel answered');
  }

  /** The data node that is not `master`. */
  otherNode(master: RedisServer): RedisServer {
    const other = this.dataNodes.find((node) => node !== master);
    if (!other) throw new Error('no other data node');
    return other;
  }

  /** Asks Sentinel for a failover (`SENTINEL FAILOVER`); does not wait for it. */
  async requestFailover(): Promise<void> {
    const reply = await (this.sentinels[0] as RedisServer).cli(
      'SENTINEL',
      'FAILOVER',
      this.masterName,
    );
    if (reply !== 'OK') throw new Error(`SENTINEL FAILOVER answered ${reply}`);
  }

  /**
   * Waits until a Sentinel names a master other than `previous` and that node reports itself
   * master. Returns the new master and when the switch was first seen (`Date.now()`).
   */
  async waitForNewMaster(
    previous: RedisServer,
    timeoutMs = 30_000,
  ): Promise<{ master: RedisServer; seenAtMs: number }> {
    const found = await waitFor(
      async () => {
        for (const sentinel of this.sentinels) {
          const port = await this.masterPortSeenBy(sentinel).catch(() => previous.port);
          if (port === previous.port) continue;
          const master = this.byPort(port);
          if (!(await master.cli('ROLE')).startsWith('master')) continue;
          return { master, seenAtMs: Date.now() };
        }
        return null;
      },
      { timeoutMs, intervalMs: 20, what: 'Sentinel to promote a new master' },
    );
    if (!found) throw new Error('no new master');
    return found;
  }

  /**
   * Waits until the topology is whole again: every data node running, one master named by all
   * three Sentinels, the other node replicating from it with its link up, and every Sentinel
   * seeing the replica and the two other Sentinels.
   */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.isHealthy(), {
      timeoutMs,
      intervalMs: 100,
      what: 'the Sentinel topology to be healthy',
    });
  }

  /** Stops every process and removes their folders. */
  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.dataNodes].map((s) => s.stop()));
    await Promise.all(this.sentinelProxies.map((p) => p.stop()));
    await rm(this.configDir, { recursive: true, force: true });
  }

  private async isHealthy(): Promise<boolean> {
    const ports = await Promise.all(this.sentinels.map((s) => this.masterPortSeenBy(s)));
    if (new Set(ports).size !== 1) return false;
    const master = this.byPort(ports[0] as number);
    const replica = this.otherNode(master);
    if (!master.running || !replica.running) return false;
    if (!(await master.cli('ROLE')).startsWith('master')) return false;
    if ((await replica.cli('ROLE')).startsWith('master')) {
      // A demoted or restarted master: Sentinel turns it into a replica only after about ten
      // seconds of INFO polling; do what it would do, so that the next test can start sooner.
      await replica.cli('REPLICAOF', '127.0.0.1', String(master.port));
      return false;
    }
    const replication = await replica.cli('INFO', 'replication');
    if (!replication.includes(`master_port:${master.port}`)) return false;
    if (!replication.includes('master_link_status:up')) return false;
    for (const sentinel of this.sentinels) {
      const replicas = await sentinel.cli('SENTINEL', 'REPLICAS', this.masterName);
      const flags = fieldOf(replicas, 'flags');
      if (!replicas.includes(String(replica.port)) || flags !== 'slave') return false;
      if (fieldOf(replicas, 'master-link-status') !== 'ok') return false;
      const peers = await sentinel.cli('SENTINEL', 'SENTINELS', this.masterName);
      if ((peers.match(/^name$/gm) ?? []).length !== this.sentinels.length - 1) return false;
    }
    return true;
  }

  private async masterPortSeenBy(sentinel: RedisServer): Promise<number> {
    const reply = await sentinel.cli('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName);
    const port = Number(reply.split('\n')[1]);
    if (!Number.isInteger(port)) throw new Error(`unexpected reply: ${reply}`);
    return port;
  }

  private byPort(port: number): RedisServer {
    const node = this.dataNodes.find((n) => n.port === port);
    if (!node) throw new Error(`port ${port} is not a data node of this topology`);
    return node;
  }
}

/** The value following `name` in a `redis-cli` field/value listing (first occurrence). */
function fieldOf(listing: string, name: string): string | undefined {
  const lines = listing.split('\n');
  const at = lines.indexOf(name);
  return at === -1 ? undefined : lines[at + 1];
}
