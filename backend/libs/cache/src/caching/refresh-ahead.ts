import type { CacheEntry } from './cache-entry.js';

/** Past this many spans (`delta * beta`) before expiry the chance of an early refresh is e^-40: none. */
const NEGLIGIBLE_SPANS = 40;

/**
 * Whether a hit on `entry` at `nowMs` should refresh it ahead of expiry, by XFetch (Vattani,
 * Chierichetti and Lowenstein, "Optimal Probabilistic Cache Stampede Prevention", VLDB 2015):
 * refresh when `now - delta * beta * ln(random) >= expiry`, where `delta` is how long the
 * entry's loader ran (`entry.loadMs`, 1 ms at least) and `expiry` the end of its fresh life.
 *
 * The chance of one hit is `e^(-remaining / (delta * beta))`: nil while expiry is far, rising as
 * it nears, sooner for a slow loader. Among the many hits on a hot key, one triggers a little
 * before expiry and the value is replaced before anyone finds it expired; the other readers,
 * in this process and in others, keep hitting. `beta` above 1 refreshes earlier, below 1
 * later; 0 never. Entries without a loader duration (written by `set`, or by an older version)
 * are never refreshed ahead.
 */
export function refreshAheadDue(
  entry: Pick<CacheEntry, 'freshUntilMs' | 'loadMs'>,
  nowMs: number,
  beta: number,
  random: () => number = Math.random,
): boolean {
  if (entry.loadMs === undefined || !(beta > 0)) return false;
  const remainingMs = entry.freshUntilMs - nowMs;
  const spanMs = Math.max(1, entry.loadMs) * beta;
  if (remainingMs > spanMs * NEGLIGIBLE_SPANS) return false;
  return remainingMs <= -spanMs * Math.log(random());
}
