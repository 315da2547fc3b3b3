import { Cluster } from 'ioredis';
import type { RedisService } from '../connection/redis.service.js';
import type { RateLimitedLogger } from '../logging/rate-limited.logger.js';

/** First and longest pause between two attempts of a failed check, in ms. */
const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 2_000;

/** What the guard knows about the server behind the connection. */
type EpochState = 'checking' | 'current' | 'unchecked';

/**
 * Keeps entries from outliving the server that stored them. A Redis server that restarts from a
 * snapshot (RDB or AOF, a backup) brings back keys deleted after the snapshot was taken, and a
 * replica promoted by a failover may not have received the last deletions: either way, entries
 * that an invalidation had removed could be served again. The cache records, in one key of its
 * subspace, the `run_id` of the server it last checked. At every (re)connection, before reads
 * are served from Redis again, the guard compares it with the server's `run_id`: when they differ,
 * the server changed since, so every cache key is deleted (SCAN + UNLINK) and the new `run_id`
 * recorded. A restart or a failover then costs misses, never stale reads.
 *
 * On a Cluster (one `run_id` per shard) and where an ACL refuses `INFO`, the check cannot run:
 * a warning says so once, and reads are served as before.
 */
export class ServerEpochGuard {
  private state: EpochState = 'unchecked';
  private waiters: (() => void)[] = [];
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private replicaGuardChecked = false;
  private readonly enabled: boolean;

  constructor(
    private readonly redis: RedisService,
    private readonly epochKey: string,
    private readonly clearCache: () => Promise<number>,
    private readonly log: RateLimitedLogger,
  ) {
    const client = redis.getClient();
    this.enabled = client !== null && !(client instanceof Cluster);
    if (!client) return;
    if (!this.enabled) {
      this.log.warn(
        'epoch',
        'on a Cluster, entries restored by a shard restart from a snapshot are not detected; ' +
          'run the cache without persistence',
      );
      return;
    }
    client.on('ready', () => this.recheck());
    client.on('close', () => {
      if (this.state !== 'unchecked') this.state = 'unchecked';
    });
    if (client.status === 'ready') this.recheck();
  }

  /** Whether reads may be served from Redis: the server is the one the cache last checked. */
  get current(): boolean {
    return !this.enabled || this.state === 'current';
  }

  /**
   * `true` when reads may be served from Redis; while a check runs, waits for it at most
   * `maxWaitMs` (a check is two short commands, or a sweep when the server changed).
   */
  trusted(maxWaitMs: number): boolean | Promise<boolean> {
    if (this.current) return true;
    if (this.state !== 'checking') return false;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(this.current), maxWaitMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(this.current);
      });
    });
  }

  /** Stops the retries (shutdown). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private recheck(): void {
    if (this.disposed) return;
    this.state = 'checking';
    this.attempt = 0;
    void this.check();
  }

  private async check(): Promise<void> {
    if (this.disposed || this.state !== 'checking') return;
    try {
      const runId = await this.readRunId();
      if (runId === undefined) {
        this.settle();
        return;
      }
      if (this.redis.mode === 'sentinel') await this.checkReplicaGuard();
      const recorded = await this.redis.execute({ operation: 'cache.epoch' }, (c) =>
        c.get(this.epochKey),
      );
      if (recorded !== null && recorded !== runId) {
        this.log.warn(
          'epoch-changed',
          'the Redis server changed since the cache last checked it (a restart or a failover): ' +
            'deleting the cache entries, which may predate invalidations it lost',
        );
        await this.clearCache();
      }
      // Missing (first start, or evicted under allkeys-*): nothing to compare, so nothing to clear.
      if (recorded !== runId) {
        await this.redis.execute({ operation: 'cache.epoch' }, (c) => c.set(this.epochKey, runId));
      }
      if (this.state === 'checking') this.settle();
    } catch {
      this.attempt += 1;
      const pauseMs = Math.min(FIRST_RETRY_MS * 2 ** this.attempt, LONGEST_RETRY_MS);
      this.timer = setTimeout(() => void this.check(), pauseMs);
      this.timer.unref();
    }
  }

  private settle(): void {
    this.state = 'current';
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Through Sentinel, warns once when the master does not refuse writes after losing its
   * replicas (`min-replicas-to-write`): a deletion it acknowledges during a failover is lost.
   */
  private async checkReplicaGuard(): Promise<void> {
    if (this.replicaGuardChecked) return;
    this.replicaGuardChecked = true;
    const text = await this.redis
      .execute({ operation: 'cache.epoch' }, (c) => c.info('replication'))
      .catch(() => undefined);
    if (text === undefined || /min_slaves_good_slaves:/.test(text)) return;
    this.log.warn(
      'replica-guard',
      'the Sentinel master does not set min-replicas-to-write: an invalidation it acknowledges ' +
        'during a failover can be lost (set min-replicas-to-write 1 on the data nodes)',
    );
  }

  /** The server's `run_id`, or `undefined` when an ACL refuses `INFO` (then no check is made). */
  private async readRunId(): Promise<string | undefined> {
    let text: string;
    try {
      text = await this.redis.execute({ operation: 'cache.epoch' }, (c) => c.info('server'));
    } catch (error) {
      if (error instanceof Error && /NOPERM/.test(`${error.message} ${String(error.cause)}`)) {
        this.log.warn(
          'epoch-noperm',
          'INFO is refused to this user: a Redis restart from a snapshot cannot be detected ' +
            '(grant +info, or run the cache without persistence)',
        );
        return undefined;
      }
      throw error;
    }
    const match = /run_id:([0-9a-f]+)/.exec(text);
    if (!match?.[1]) throw new Error('INFO server has no run_id');
    return match[1];
  }
}
