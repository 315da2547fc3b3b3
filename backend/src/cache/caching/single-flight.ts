/**
 * Coalesces concurrent calls for one key in this process: the first caller runs the work, the
 * others await the same promise. The key is free again as soon as the work settles.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  /** The pending work for `key`, if any. */
  get(key: string): Promise<T> | undefined {
    return this.inFlight.get(key);
  }

  /** Runs `work` for `key` unless it is already running; `joined` tells which happened. */
  run(key: string, work: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const pending = this.inFlight.get(key);
    if (pending) return { promise: pending, joined: true };
    const promise = (async () => {
      try {
        return await work();
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, promise);
    return { promise, joined: false };
  }

  /** How many keys are being loaded now. */
  get size(): number {
    return this.inFlight.size;
  }
}
