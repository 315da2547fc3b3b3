/**
 * Coalesces concurrent calls for one key in this process: the first caller runs the work, the
 * others await the same promise. The key is free again as soon as the work settles, or as soon
 * as it is detached (an invalidation made its result unfit for callers that arrive later).
 */
export class SingleFlight<T, M = undefined> {
  private readonly inFlight = new Map<string, { promise: Promise<T>; meta: M }>();

  /** The pending work for `key`, if any. */
  get(key: string): Promise<T> | undefined {
    return this.inFlight.get(key)?.promise;
  }

  /**
   * Runs `work` for `key` unless it is already running; `joined` tells which happened. `meta`
   * describes the work for {@link SingleFlight.detach}.
   */
  run(key: string, meta: M, work: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const pending = this.inFlight.get(key);
    if (pending) return { promise: pending.promise, joined: true };
    // The promise is set right below; its `finally` runs in a later microtask, after that.
    const flight = { meta } as { promise: Promise<T>; meta: M };
    flight.promise = (async () => {
      try {
        return await work();
      } finally {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, flight);
    const promise = flight.promise;
    return { promise, joined: false };
  }

  /**
   * Forgets the work for which `matches` is true: it goes on for those who wait on it, and the
   * next caller of its key starts new work. Returns how many were detached.
   */
  detach(matches: (key: string, meta: M) => boolean): number {
    let detached = 0;
    for (const [key, flight] of this.inFlight) {
      if (!matches(key, flight.meta)) continue;
      this.inFlight.delete(key);
      detached += 1;
    }
    return detached;
  }

  /** How many keys are being loaded now. */
  get size(): number {
    return this.inFlight.size;
  }
}
