import type { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { describeInvalidation, invalidationCovers, type Invalidation } from './invalidation.js';

/** Past this many pending invalidations, they are merged into one `clear`. */
const MAX_PENDING = 1_000;

/** First and longest pause between two background attempts, in ms. */
const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 1_000;

/**
 * Invalidations that could not reach Redis, kept until they are applied. While one is pending,
 * the keys it covers are not read from Redis in this process (the caller's loader runs instead),
 * so the process never serves what it was told to remove. Retried in the background, at once
 * when the connection is ready again, then at growing intervals up to one second.
 */
export class PendingInvalidations {
  private pending: Invalidation[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pauseMs = FIRST_RETRY_MS;
  private running = false;
  private disposed = false;

  constructor(
    private readonly apply: (invalidation: Invalidation) => Promise<number>,
    private readonly log: RateLimitedLogger,
  ) {}

  /** How many invalidations wait to be applied. */
  get size(): number {
    return this.pending.length;
  }

  /** Keeps `invalidation` until it is applied. */
  add(invalidation: Invalidation): void {
    if (this.disposed) return;
    this.pending.push(invalidation);
    if (this.pending.length > MAX_PENDING) this.pending = [{ kind: 'all' }];
    this.log.warn(
      'invalidation-pending',
      `${describeInvalidation(invalidation)} could not reach Redis; retried in the background ` +
        `(${this.pending.length} pending)`,
    );
    this.schedule(FIRST_RETRY_MS);
  }

  /** Whether a pending invalidation covers the entry of `key` with `tags`. */
  covers(key: string, tags?: readonly string[]): boolean {
    if (this.pending.length === 0) return false;
    return this.pending.some((p) => invalidationCovers(p, key, tags));
  }

  /** Tries the pending invalidations now (the connection became ready). */
  retryNow(): void {
    if (this.pending.length === 0 || this.disposed) return;
    this.pauseMs = FIRST_RETRY_MS;
    this.schedule(0);
  }

  /** Stops retrying (shutdown). */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.disposed || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.running || this.disposed) return;
    this.running = true;
    try {
      while (this.pending.length > 0 && !this.disposed) {
        const next = this.pending[0] as Invalidation;
        await this.apply(next);
        // Only now is it applied; anything added meanwhile stays queued behind it.
        this.pending = this.pending.filter((p) => p !== next);
      }
      this.pauseMs = FIRST_RETRY_MS;
    } catch {
      this.pauseMs = Math.min(this.pauseMs * 2, LONGEST_RETRY_MS);
    } finally {
      this.running = false;
    }
    if (this.pending.length > 0) this.schedule(this.pauseMs);
  }
}
