import type { CacheService } from 'nestjs-coherent-cache';

/** p50 and p99 of samples, in the samples' unit. */
export function percentiles(samples: readonly number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Milliseconds from `sinceMs` (`performance.now()`) until `cache.get(key)` stops returning
 * `stale` (compared by `JSON.stringify`), polling once per event-loop turn so that invalidation
 * messages are read between polls. Rejects after `timeoutMs`.
 */
export async function msUntilChanged(
  cache: CacheService,
  key: string,
  stale: unknown,
  sinceMs: number,
  timeoutMs = 2_000,
): Promise<number> {
  const staleText = JSON.stringify(stale);
  for (;;) {
    const value = await cache.get(key);
    const now = performance.now();
    if (JSON.stringify(value) !== staleText) return now - sinceMs;
    if (now - sinceMs > timeoutMs) throw new Error(`${key} still stale after ${timeoutMs} ms`);
    await turn();
  }
}
