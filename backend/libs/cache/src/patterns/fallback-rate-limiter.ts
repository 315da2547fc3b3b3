/** What the fallback holds for one key. */
interface FallbackWindow {
  /** When each admitted request was admitted, in epoch ms, oldest first. */
  admitted: number[];
  /** When the key's block ends, in epoch ms; 0 when it is not blocked. */
  blockedUntilMs: number;
}

/** A decision of {@link FallbackRateLimiter.hit}. */
export interface FallbackHit {
  allowed: boolean;
  remaining: number;
  /** When the oldest admitted request leaves the window, in epoch ms. */
  resetAt: number;
  /** Requests the window holds, this one included when admitted. */
  count: number;
  /** When the block that refused this request ends, in epoch ms; 0 when none did. */
  blockedUntilMs: number;
}

/**
 * The per-process sliding-window limiter used while Redis cannot decide. It limits what this
 * process admits on its own; with N processes up to N × limit pass in a window, which is the
 * price of staying open during an outage. Tracks at most `maxKeys` keys (least recently used
 * keys are dropped first), so an outage cannot grow memory without bound.
 */
export class FallbackRateLimiter {
  private readonly windows = new Map<string, FallbackWindow>();

  constructor(private readonly maxKeys: number) {}

  /** Admits or refuses one request for `key` at `nowMs`. */
  check(
    key: string,
    limit: number,
    windowMs: number,
    nowMs = Date.now(),
  ): { allowed: boolean; remaining: number; resetAt: number } {
    const { allowed, remaining, resetAt } = this.hit(key, limit, windowMs, 0, nowMs);
    return { allowed, remaining, resetAt };
  }

  /**
   * Admits or refuses one request for `key` at `nowMs`, as Redis's blocking window does: a
   * request the window refuses blocks the key for `blockMs` (0: no block), during which every
   * request is refused and none is counted.
   */
  hit(
    key: string,
    limit: number,
    windowMs: number,
    blockMs: number,
    nowMs = Date.now(),
  ): FallbackHit {
    const since = nowMs - windowMs;
    const held = this.windows.get(key);
    const admitted = (held?.admitted ?? []).filter((at) => at > since);
    let blockedUntilMs =
      held !== undefined && nowMs < held.blockedUntilMs ? held.blockedUntilMs : 0;
    const allowed = blockedUntilMs === 0 && admitted.length < limit;
    if (allowed) admitted.push(nowMs);
    else if (blockedUntilMs === 0 && blockMs > 0) blockedUntilMs = nowMs + blockMs;
    // Re-insert so the Map's order is least recently used first.
    this.windows.delete(key);
    this.windows.set(key, { admitted, blockedUntilMs });
    this.evict();
    const oldest = admitted[0];
    return {
      allowed,
      remaining: Math.max(0, limit - admitted.length),
      resetAt: oldest === undefined ? nowMs + windowMs : oldest + windowMs,
      count: admitted.length,
      blockedUntilMs,
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
