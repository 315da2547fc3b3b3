/**
 * The per-process sliding-window limiter used while Redis cannot decide. It limits what this
 * process admits on its own; with N processes up to N × limit pass in a window, which is the
 * price of staying open during an outage. Tracks at most `maxKeys` keys (least recently used
 * keys are dropped first), so an outage cannot grow memory without bound.
 */
export class FallbackRateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly maxKeys: number) {}

  /** Admits or refuses one request for `key` at `nowMs`. */
  check(
    key: string,
    limit: number,
    windowMs: number,
    nowMs = Date.now(),
  ): { allowed: boolean; remaining: number; resetAt: number } {
    const since = nowMs - windowMs;
    const admitted = (this.windows.get(key) ?? []).filter((at) => at > since);
    const allowed = admitted.length < limit;
    if (allowed) admitted.push(nowMs);
    // Re-insert so the Map's order is least recently used first.
    this.windows.delete(key);
    this.windows.set(key, admitted);
    this.evict();
    const oldest = admitted[0];
    return {
      allowed,
      remaining: Math.max(0, limit - admitted.length),
      resetAt: oldest === undefined ? nowMs + windowMs : oldest + windowMs,
    };
  }

  /** How many keys are tracked now. */
  get size(): number {
    return this.windows.size;
  }

  private evict(): void {
    while (this.windows.size > this.maxKeys) {
      const first = this.windows.keys().next();
      if (first.done) return;
      this.windows.delete(first.value);
    }
  }
}
