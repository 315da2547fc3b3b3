import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisService } from '../../connection/redis.service.js';
import type { RateLimitedLogger } from '../../logging/rate-limited.logger.js';
import { KEY_SEPARATOR, sweepablePrefix } from '../../keys/key-encoding.js';
import { CACHE_SUBSPACE } from '../../keys/key-namespace.js';
import { InvalidationAnnouncer, type Announcement } from './invalidation-announcement.js';
import {
  InvalidationLink,
  type CoherenceMechanism,
  type InvalidationLinkListener,
  type InvalidationLinkTarget,
} from './invalidation-link.js';
import type { MemoryTier } from './memory-tier.js';
import { DatasetWatch } from './dataset-watch.js';

/** Options every invalidation link connects with: RESP2 (push messages), resubscribed by us. */
const LINK_OPTIONS: RedisOptions = {
  protocol: 2,
  autoResubscribe: false,
  enableReadyCheck: false,
  enableAutoPipelining: false,
};

/**
 * Keeps the memory tier coherent with Redis: one invalidation link per master (the server of a
 * standalone or Sentinel setup, which ioredis follows across failovers; every master of a
 * Cluster, reconciled whenever the topology changes). The tier is trusted only while every link
 * is armed; each time they all are again, it starts empty.
 *
 * Every change this process makes is also announced on the module's own channel
 * ({@link MemoryCoherence.announce}), for peers whose links fell back to those messages.
 */
export class MemoryCoherence implements InvalidationLinkListener {
  private readonly links = new Map<string, InvalidationLink>();
  private readonly target: InvalidationLinkTarget;
  private closed = false;
  private wasTrusted = false;
  private dataset: DatasetWatch | undefined;
  private readonly announcer: InvalidationAnnouncer;

  constructor(
    private readonly redis: RedisService,
    private readonly tier: MemoryTier,
    heartbeatIntervalMs: number,
    private readonly log: RateLimitedLogger,
  ) {
    const prefix = redis.namespace.prefix;
    this.announcer = new InvalidationAnnouncer(redis);
    this.target = {
      trackedPrefix: `${prefix}${KEY_SEPARATOR}${sweepablePrefix(prefix, CACHE_SUBSPACE)}`,
      fallbackChannel: this.announcer.channel,
      heartbeatIntervalMs,
      heartbeatTimeoutMs: Math.max(redis.settings.commandTimeoutMs, 100),
    };
    const client = redis.getClient();
    if (!client) return;
    if (client instanceof Cluster) {
      const reconcile = () => this.reconcileCluster(client);
      client.on('ready', reconcile);
      client.on('refresh', reconcile);
      client.on('+node', reconcile);
      client.on('-node', reconcile);
    } else {
      const link = redis.createClient('l1-invalidation', LINK_OPTIONS);
      if (link instanceof Redis) this.addLink('master', link);
      // The data connection came back, maybe to another master (a Sentinel failover it noticed
      // first): the link may still be on the old one, which sees none of the new writes.
      let connectedBefore = false;
      client.on('ready', () => {
        if (connectedBefore) for (const l of this.links.values()) l.reconnect();
        connectedBefore = true;
      });
      this.dataset = new DatasetWatch(
        redis,
        tier,
        redis.namespace.toRedisKey(`${CACHE_SUBSPACE}dataset`),
        heartbeatIntervalMs,
      );
    }
    redis.onShutdown('memory tier invalidation links', () => this.close());
  }

  /** How invalidations reach the memory tier now: `tracking`, `pubsub`, or `none` (a link is down). */
  get mechanism(): CoherenceMechanism {
    if (this.links.size === 0) return 'none';
    const mechanisms = new Set([...this.links.values()].map((l) => l.mechanism));
    if (mechanisms.has('none')) return 'none';
    return mechanisms.has('pubsub') ? 'pubsub' : 'tracking';
  }

  /** The links (one per master), for tests that kill them. */
  get connections(): readonly Redis[] {
    return [...this.links.values()].map((l) => l.connection);
  }

  /**
   * Tells other processes what changed, on the module's channel. Processes whose links use
   * tracking learn it from Redis itself, but a peer that fell back to the messages (an ACL
   * without `client`, say) hears only these, so every process publishes. When this process
   * relies on the messages itself, a failed publish throws; with tracking it is best effort.
   *
   * @throws on Redis failure, unless this process's links use tracking
   */
  async announce(announcement: Announcement): Promise<void> {
    const publish = this.announcer.publish(announcement);
    if (this.mechanism !== 'tracking') {
      await publish;
      return;
    }
    await publish.catch(() => undefined);
  }

  armed(link: InvalidationLink): void {
    if (link.mechanism === 'pubsub') {
      this.log.warn(
        'memory-link:pubsub',
        'memory tier: CLIENT TRACKING refused (ACL or server); coherent only through this ' +
          "module's own invalidation messages: writes by other clients are not seen",
      );
    }
    this.update();
  }

  lost(): void {
    this.update();
  }

  invalidated(redisKeys: readonly string[] | null): void {
    if (redisKeys === null) {
      this.tier.invalidateAll();
      return;
    }
    this.tier.invalidate(redisKeys);
    const dataset = this.dataset;
    if (dataset && redisKeys.includes(dataset.markerKey)) dataset.markerWritten();
  }

  announced(announcement: Announcement): void {
    if (announcement.kind === 'keys') this.tier.invalidate(announcement.redisKeys);
    else if (announcement.kind === 'prefix') this.tier.invalidatePrefix(announcement.prefix);
    else this.tier.invalidateAll();
  }

  /** Closes every link (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.dataset?.close();
    const links = [...this.links.values()];
    this.links.clear();
    this.tier.linkDown();
    await Promise.all(links.map((l) => l.close()));
  }

  private update(): void {
    const trusted = this.links.size > 0 && [...this.links.values()].every((l) => l.isArmed);
    if (trusted === this.wasTrusted) {
      // A link re-armed while the others stayed up: what it missed is unknown.
      if (trusted) this.tier.linkUp();
      return;
    }
    this.wasTrusted = trusted;
    if (trusted) this.tier.linkUp();
    else this.tier.linkDown();
  }

  private addLink(address: string, client: Redis): void {
    const link = new InvalidationLink(client, this.target, this);
    this.links.set(address, link);
    link.start();
  }

  /** One link per master of the Cluster: new masters get one, departed ones lose theirs. */
  private reconcileCluster(cluster: Cluster): void {
    if (this.closed) return;
    const masters = new Map<string, { host: string; port: number }>();
    for (const node of cluster.nodes('master')) {
      const { host, port } = node.options;
      if (host !== undefined && port !== undefined) masters.set(`${host}:${port}`, { host, port });
    }
    if (masters.size === 0) return;
    let changed = false;
    for (const [address, link] of this.links) {
      if (masters.has(address)) continue;
      this.links.delete(address);
      void link.close();
      changed = true;
    }
    for (const [address, { host, port }] of masters) {
      if (this.links.has(address)) continue;
      const options = cluster.options.redisOptions ?? {};
      this.addLink(
        address,
        new Redis({
          ...options,
          ...LINK_OPTIONS,
          host,
          port,
          lazyConnect: true,
          connectionName: `${this.redis.namespace.prefix}:l1-invalidation`,
        }),
      );
      changed = true;
    }
    if (changed) {
      // A departed master's writes may have moved to a new one before its link armed.
      this.wasTrusted = false;
      this.tier.linkDown();
      this.update();
    }
  }
}
