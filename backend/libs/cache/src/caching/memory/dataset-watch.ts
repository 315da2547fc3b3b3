import type { RedisService } from '../../connection/redis.service.js';
import { newVersionToken } from '../version-token.js';
import type { MemoryTier } from './memory-tier.js';

/** Replaces the marker's token only if it is still the one this process saw. */
const ROTATE_MARKER = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/**
 * Notices a swapped dataset, which Redis does not report to tracking clients (`SWAPDB`, a
 * database restored in place). A marker key in the cache subspace holds a token; when the token
 * read differs from the one seen before (or the marker is gone: evicted, flushed or swapped
 * out), everything the tier holds is dropped. Checked twice per heartbeat interval and on every
 * connection.
 *
 * A dataset copied key by key (`COPY … DB n`, `DUMP`/`RESTORE`) would carry the token with it
 * and hide the swap. Redis's tracking names keys without their database, so the copy of the
 * marker reaches this process as an invalidation of the marker: it then gives its own
 * database's marker a new token, and the copy's token no longer matches once swapped in.
 */
export class DatasetWatch {
  private readonly timer: NodeJS.Timeout;
  private seen: string | null = null;
  /** Invalidations of the marker this process's own writes will cause. */
  private ownWrites = 0;
  private checking = false;
  private checkAgain = false;
  private writtenElsewhere = false;
  private closed = false;

  constructor(
    private readonly redis: RedisService,
    private readonly tier: MemoryTier,
    /** The marker's Redis key (`<namespace>:cache:dataset`). */
    readonly markerKey: string,
    heartbeatIntervalMs: number,
  ) {
    redis.getClient()?.on('ready', () => this.request(false));
    this.timer = setInterval(
      () => this.request(false),
      Math.max(50, Math.floor(heartbeatIntervalMs / 2)),
    );
    this.timer.unref();
  }

  /** Tracking reported a write of the marker (in this database or, by name, in another). */
  markerWritten(): void {
    if (this.ownWrites > 0) {
      this.ownWrites -= 1;
      return;
    }
    this.request(true);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private request(writtenElsewhere: boolean): void {
    if (writtenElsewhere) this.writtenElsewhere = true;
    if (this.closed || !this.redis.isAvailable) return;
    if (this.checking) {
      this.checkAgain = true;
      return;
    }
    this.checking = true;
    void this.run().finally(() => (this.checking = false));
  }

  private async run(): Promise<void> {
    do {
      this.checkAgain = false;
      const rotate = this.writtenElsewhere;
      this.writtenElsewhere = false;
      try {
        await this.check(rotate);
      } catch {
        // Redis failed: the next tick checks again, and rotates if it still has to.
        if (rotate) this.writtenElsewhere = true;
        return;
      }
    } while (this.checkAgain && !this.closed);
  }

  private async check(rotate: boolean): Promise<void> {
    // After a reported write the marker is only compared: a deleted marker (a flush, a clear of
    // the namespace) is created again by the next timed check, not at once.
    const current = await this.read(!rotate);
    if (this.seen !== null && current !== this.seen) {
      this.tier.invalidateAll();
      this.seen = current;
      return;
    }
    this.seen = current;
    if (!rotate || current === null) return;
    // The marker was written under its name elsewhere (a copy into another database): this
    // database's marker gets a token the copy does not have.
    const next = newVersionToken();
    this.ownWrites += 1;
    const rotated = await this.redis
      .execute({ operation: 'cache.dataset' }, (c) =>
        c.eval(ROTATE_MARKER, 1, this.markerKey, current, next),
      )
      .catch((error: unknown) => {
        this.ownWrites -= 1;
        throw error;
      });
    if (rotated === 1) {
      this.seen = next;
    } else {
      // Someone else changed it first: no write of ours, and the next check compares.
      this.ownWrites -= 1;
    }
  }

  /** The marker's token, created (with one write of ours) when missing and `create` is set. */
  private async read(create: boolean): Promise<string | null> {
    return this.redis.execute({ operation: 'cache.dataset' }, async (c) => {
      const current = await c.get(this.markerKey);
      if (current !== null || !create) return current;
      this.ownWrites += 1;
      const created = await c.set(this.markerKey, newVersionToken(), 'NX');
      if (created !== 'OK') this.ownWrites -= 1;
      return c.get(this.markerKey);
    });
  }
}
