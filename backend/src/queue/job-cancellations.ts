import type { Logger } from '@nestjs/common';
import type { QueueConnections } from './queue-connections.js';
import { sleep } from './deadline.js';

/** How long a cancellation mark is kept in Redis, in seconds. */
const MARK_TTL_SECONDS = 86_400;
/** How long a mark that could not be written is retried, in milliseconds. */
const RETRY_FOR_MS = 120_000;
const RETRY_EVERY_MS = 250;
/** How long a worker keeps asking whether a job is cancelled while Redis is away, in ms. */
const CHECK_FOR_MS = 10_000;
/**
 * After the queue Redis comes back, how long a job added before the outage waits for its
 * producer's mark (written within one retry of the producer's reconnection), in milliseconds.
 */
export const MARK_SETTLE_MS = 1_500;

/**
 * Makes "an add that failed never runs" hold. An add that timed out may still reach Redis
 * later (it was already on the wire). So the producer writes a cancellation mark for that job
 * id at once, on the same connection: Redis applies commands of one connection in order, so
 * the mark lands right after a late add. When the connection was lost instead, the mark is
 * retried until written: every 250 ms, and at once when the connection is back. Workers check the mark before
 * running a job; a job added before an outage and taken in the moments after it waits until
 * the producers have had time to write their marks.
 */
export class JobCancellations {
  private readonly pending = new Set<string>();
  /** When the queue Redis last came back after the connection was lost (epoch ms), or 0. */
  private reconnectedAtMs = 0;
  /** Settles at the producer's next reconnection: retries wake up at once then. */
  private nextReconnection: Promise<void>;
  private reconnected: () => void = () => undefined;

  constructor(
    private readonly connections: QueueConnections,
    private readonly logger: Logger,
  ) {
    this.nextReconnection = this.awaitReconnection();
    let connectedBefore = false;
    connections.producer?.on('ready', () => {
      if (connectedBefore) {
        this.reconnectedAtMs = Date.now();
        const wake = this.reconnected;
        this.nextReconnection = this.awaitReconnection();
        wake();
      }
      connectedBefore = true;
    });
  }

  /**
   * The Redis key of the mark, `<BullMQ prefix>:<queue>:cancelled:<jobId>`: in the queue's key
   * space, so that it stays within this deployment's namespace and, in a Cluster, on the
   * queue's slot.
   */
  markKey(queue: string, jobId: string): string {
    return `${this.connections.prefix}:${queue}:cancelled:${jobId}`;
  }

  /** Marks `jobId` cancelled: once now, then in the background until written. Never throws. */
  cancel(queue: string, jobId: string): void {
    const key = this.markKey(queue, jobId);
    const write = () => this.connections.producer?.set(key, '1', 'EX', MARK_TTL_SECONDS);
    const first = write();
    if (!first) return;
    first.catch(() => {
      this.pending.add(key);
      void this.retry(key, write);
    });
  }

  /**
   * Whether the job was cancelled by its producer. A job added (`addedAtMs`, the producer's
   * clock) before the queue Redis last came back, and taken within {@link MARK_SETTLE_MS} of
   * that, is asked about again once that time has passed: its producer may not have written
   * its mark yet. Retries while Redis is away, then throws.
   */
  async isCancelled(queue: string, jobId: string, addedAtMs = Date.now()): Promise<boolean> {
    if (await this.readMark(queue, jobId)) return true;
    const settledAtMs = this.reconnectedAtMs + MARK_SETTLE_MS;
    if (addedAtMs >= this.reconnectedAtMs || Date.now() >= settledAtMs) return false;
    await sleep(settledAtMs - Date.now());
    return this.readMark(queue, jobId);
  }

  private async readMark(queue: string, jobId: string): Promise<boolean> {
    const key = this.markKey(queue, jobId);
    const deadline = Date.now() + CHECK_FOR_MS;
    for (;;) {
      try {
        const producer = this.connections.producer;
        if (!producer) return false;
        return (await producer.exists(key)) === 1;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(RETRY_EVERY_MS);
      }
    }
  }

  /** Marks not yet written (still being retried). */
  get pendingCount(): number {
    return this.pending.size;
  }

  private awaitReconnection(): Promise<void> {
    return new Promise((resolve) => {
      this.reconnected = resolve;
    });
  }

  private async retry(key: string, write: () => Promise<unknown> | undefined): Promise<void> {
    const deadline = Date.now() + RETRY_FOR_MS;
    while (Date.now() < deadline) {
      await Promise.race([sleep(RETRY_EVERY_MS), this.nextReconnection]);
      try {
        await write();
        this.pending.delete(key);
        return;
      } catch {
        // Redis is still away.
      }
    }
    this.pending.delete(key);
    this.logger.error(`could not write the cancellation mark ${key} within ${RETRY_FOR_MS} ms`);
  }
}
