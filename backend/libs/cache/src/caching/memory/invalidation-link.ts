import type { Redis } from 'ioredis';
import { parseAnnouncement, type Announcement } from './invalidation-announcement.js';

/** The channel Redis sends tracking invalidations on (RESP2 redirection). */
export const TRACKING_CHANNEL = '__redis__:invalidate';

/** How invalidations reach the memory tier: Redis's tracking, the module's own messages, or none yet. */
export type CoherenceMechanism = 'tracking' | 'pubsub' | 'none';

/** What a link reports to the memory tier. */
export interface InvalidationLinkListener {
  /** The link is armed: every invalidation from now on will be delivered. */
  armed(link: InvalidationLink): void;
  /** The link went down (closed, or silent past its heartbeat): invalidations may be lost. */
  lost(link: InvalidationLink): void;
  /** Redis keys that changed, reported by Redis's tracking; `null` for everything (a flush). */
  invalidated(redisKeys: readonly string[] | null): void;
  /** A change announced on the module's own channel by a process of this module. */
  announced(announcement: Announcement): void;
}

/** Where a link subscribes: the tracking prefix and the module's fallback channel. */
export interface InvalidationLinkTarget {
  /** Prefix of the Redis keys to track (`<namespace>:cache:`). */
  trackedPrefix: string;
  /** The module's own invalidation channel, used where `CLIENT TRACKING` is refused. */
  fallbackChannel: string;
  heartbeatIntervalMs: number;
  /** Bound of a PING on the link, in milliseconds. */
  heartbeatTimeoutMs: number;
}

/**
 * One RESP2 connection that receives invalidations for one Redis server (the master of a
 * standalone or Sentinel setup, or one Cluster master). On every `ready` it arms itself:
 * `CLIENT ID`, then `CLIENT TRACKING ON REDIRECT <its own id> BCAST PREFIX <prefix>` (a
 * connection may redirect to itself; it never writes, so it gets every change to the prefix),
 * then `SUBSCRIBE __redis__:invalidate`. Where `CLIENT TRACKING` or that channel is refused (an
 * ACL, an old or managed server), it subscribes to the module's own channel instead.
 *
 * ioredis 6 on RESP3 drops push messages, so the connection must use `protocol: 2`.
 */
export class InvalidationLink {
  private state: 'down' | 'arming' | 'armed' = 'down';
  private liveMechanism: CoherenceMechanism = 'none';
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly target: InvalidationLinkTarget,
    private readonly listener: InvalidationLinkListener,
  ) {
    client.on('ready', () => void this.arm());
    // Redis closed the connection (a kill, a restart): its changes are no longer delivered, but
    // ioredis reports the close a turn later, once the socket has shut down; reads in between
    // must not trust what is held.
    client.on('connect', () => client.stream.once('end', () => this.down()));
    client.on('close', () => this.down());
    client.on('error', () => undefined);
    client.on('messageBuffer', (channel: Buffer, message: unknown) =>
      this.onMessage(channel.toString(), message),
    );
  }

  /** Whether every invalidation of this server is delivered now. */
  get isArmed(): boolean {
    return this.state === 'armed';
  }

  /** The mechanism this link armed with (`none` while down). */
  get mechanism(): CoherenceMechanism {
    return this.state === 'armed' ? this.liveMechanism : 'none';
  }

  /** `host:port` of the server, for logs and Cluster bookkeeping. */
  get address(): string {
    return `${this.client.options.host ?? ''}:${this.client.options.port ?? ''}`;
  }

  /** The underlying connection (tests kill it by its id). */
  get connection(): Redis {
    return this.client;
  }

  /** Connects in the background; arming follows every `ready`. */
  start(): void {
    this.client.connect().catch(() => undefined);
    this.heartbeat = setInterval(() => void this.ping(), this.target.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Drops the connection and connects again (and so re-arms), e.g. to follow a new master. */
  reconnect(): void {
    if (this.closed) return;
    this.down();
    this.client.disconnect(true);
  }

  /** Closes the connection (shutdown, or a master that left the Cluster). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.down();
    try {
      await Promise.race([
        this.client.quit(),
        new Promise((resolve) => setTimeout(resolve, this.target.heartbeatTimeoutMs).unref()),
      ]);
    } catch {
      // Closing anyway.
    }
    this.client.disconnect();
  }

  private async arm(): Promise<void> {
    if (this.closed || this.state === 'arming') return;
    this.state = 'arming';
    try {
      let mechanism: CoherenceMechanism = 'tracking';
      try {
        const id = await this.client.client('ID');
        await this.client.call(
          'CLIENT',
          'TRACKING',
          'ON',
          'REDIRECT',
          String(id),
          'BCAST',
          'PREFIX',
          this.target.trackedPrefix,
        );
        await this.client.subscribe(TRACKING_CHANNEL);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        mechanism = 'pubsub';
        await this.client.call('CLIENT', 'TRACKING', 'OFF').catch(() => undefined);
      }
      // Subscribed in both cases: in tracking mode the module's own messages cost nothing more
      // and cover a client that publishes without the server tracking (a mixed fleet).
      await this.client.subscribe(this.target.fallbackChannel);
      if (this.closed || this.client.status !== 'ready') return;
      this.liveMechanism = mechanism;
      this.state = 'armed';
      this.listener.armed(this);
    } catch {
      this.state = 'down';
      // Arming failed (a timeout, a server still loading): reconnect and arm again.
      if (!this.closed) this.client.disconnect(true);
    }
  }

  private down(): void {
    const wasArmed = this.state === 'armed';
    this.state = 'down';
    if (wasArmed) this.listener.lost(this);
  }

  private async ping(): Promise<void> {
    if (this.state !== 'armed') return;
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<'silent'>((resolve) => {
      // After a stalled event loop (a long GC), the timer and the reply are due together and
      // timers run first: the reply already received is read (poll phase) before the silence
      // is decided (check phase).
      timer = setTimeout(
        () => setImmediate(() => resolve('silent')),
        this.target.heartbeatTimeoutMs,
      );
    });
    try {
      const answer = await Promise.race([this.client.ping(), silent]);
      if (answer === 'silent' && this.state === 'armed' && !this.closed) {
        this.down();
        this.client.disconnect(true);
      }
    } catch {
      // A failed PING means the connection closed: `close` reports it.
    } finally {
      clearTimeout(timer);
    }
  }

  private onMessage(channel: string, message: unknown): void {
    if (channel === TRACKING_CHANNEL) {
      if (message === null) {
        this.listener.invalidated(null);
        return;
      }
      const keys = Array.isArray(message) ? message : [message];
      this.listener.invalidated(keys.map((k) => (Buffer.isBuffer(k) ? k.toString() : String(k))));
      return;
    }
    if (channel === this.target.fallbackChannel && Buffer.isBuffer(message)) {
      this.listener.announced(parseAnnouncement(message.toString()));
    }
  }
}

/** Whether Redis refused tracking (ACL, unknown subcommand) rather than failing to answer. */
function isRefusal(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /^(NOPERM|ERR|WRONGTYPE)/.test(error.message);
}
