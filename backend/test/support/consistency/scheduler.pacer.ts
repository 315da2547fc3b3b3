import type fc from 'fast-check';
import type { Pacer } from './workload.actor.js';

/**
 * Knows how many operations are unfinished and how many of them wait for the scheduler, so that
 * the driver releases the next task only once real work (Redis round trips) has settled.
 */
export class ActivityTracker {
  pending = 0;
  private blocked = 0;
  private progress = 0;

  constructor(private readonly quietMs: number) {}

  track(operation: Promise<void>): Promise<void> {
    this.pending += 1;
    return operation.finally(() => {
      this.pending -= 1;
      this.progress += 1;
    });
  }

  async whileBlocked<T>(wait: Promise<T>): Promise<T> {
    this.blocked += 1;
    this.progress += 1;
    try {
      return await wait;
    } finally {
      this.blocked -= 1;
      this.progress += 1;
    }
  }

  /**
   * Returns when every unfinished operation waits for the scheduler, or when nothing moved for
   * `quietMs` (an operation waits on something else: another process's lock, a timer), or
   * after 50 ms.
   */
  async settle(): Promise<void> {
    const startMs = performance.now();
    let seen = -1;
    let quietFromMs = startMs;
    for (;;) {
      // Let the continuations of the task just released run first.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.blocked >= this.pending) return;
      const nowMs = performance.now();
      if (this.progress !== seen) {
        seen = this.progress;
        quietFromMs = nowMs;
      } else if (nowMs - quietFromMs >= this.quietMs) return;
      if (nowMs - startMs >= 50) return;
    }
  }
}

/**
 * Every wait of an operation is a task of the scheduler. Operations start in the order of the
 * workload (each start is scheduled once the previous one ran), so that the scheduler decides
 * how loader answers and writer steps interleave with later starts, and removing a step while
 * shrinking keeps the others in order.
 */
export class SchedulerPacer implements Pacer {
  private lastStart: Promise<void> = Promise.resolve();

  constructor(
    private readonly scheduler: fc.Scheduler,
    private readonly tracker: ActivityTracker,
  ) {}

  beforeStart(label: string): Promise<void> {
    const turn = this.lastStart.then(() => this.scheduler.schedule(Promise.resolve(), label));
    this.lastStart = turn;
    return this.tracker.whileBlocked(turn);
  }

  /** A slow loader answers after `1 + slowness` tasks of the scheduler. */
  async loaderAnswer(label: string, slowness: number): Promise<void> {
    for (let tick = slowness; tick > 0; tick -= 1) await this.point(`${label} in ${tick} ticks`);
    await this.point(label);
  }

  beforeInvalidation(label: string): Promise<void> {
    return this.point(label);
  }

  blockedOn<T>(promise: Promise<T>): Promise<T> {
    return this.tracker.whileBlocked(promise);
  }

  private async point(label: string): Promise<void> {
    await this.tracker.whileBlocked(this.scheduler.schedule(Promise.resolve(), label));
  }
}
