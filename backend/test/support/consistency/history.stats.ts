import {
  isRawWrite,
  type HistoryRecord,
  type InvalidationRecord,
  type ReadRecord,
} from './history.model.js';
import { pushTo, type Coverage } from './invalidation-coverage.js';

/** Counts of a history, and how well unrelated loads keep caching. */
export interface HistoryStats {
  operations: number;
  reads: number;
  /** Reads that returned a value. */
  values: number;
  /** `getOrSet` calls answered without running their own loader. */
  hits: number;
  /** `getOrSet` calls that ran their own loader. */
  loads: number;
  /** Reads that returned a value without waiting for I/O: from the memory tier. */
  memoryHits: number;
  /** `get` calls that found nothing. */
  misses: number;
  readErrors: number;
  dbWrites: number;
  invalidations: number;
  failedInvalidations: number;
  /** Invalidations made by a plain Redis client on an entry key (`rawDel`, `rawSet`). */
  rawWrites: number;
  /** Operations that never ended. */
  pending: number;
  faults: number;
  /**
   * Precision: among `getOrSet` calls on a key that an earlier call had loaded and that no
   * invalidation touched since (unrelated keys), how many were hits.
   */
  quietReads: number;
  quietHits: number;
}

/** Stats with every count at zero. */
export function emptyStats(): HistoryStats {
  return {
    operations: 0,
    reads: 0,
    values: 0,
    hits: 0,
    loads: 0,
    memoryHits: 0,
    misses: 0,
    readErrors: 0,
    dbWrites: 0,
    invalidations: 0,
    failedInvalidations: 0,
    rawWrites: 0,
    pending: 0,
    faults: 0,
    quietReads: 0,
    quietHits: 0,
  };
}

/** The sum of two stats (over several runs). */
export function addStats(total: HistoryStats, more: HistoryStats): HistoryStats {
  const sum = { ...total };
  for (const name of Object.keys(sum) as (keyof HistoryStats)[]) sum[name] += more[name];
  return sum;
}

export function statsOf(
  records: readonly HistoryRecord[],
  reads: readonly ReadRecord[],
  invalidations: readonly InvalidationRecord[],
  coverage: Coverage,
): HistoryStats {
  const getOrSets = reads.filter((r) => r.via === 'getOrSet');
  const answered = getOrSets.filter((r) => r.outcome.status === 'value');
  const precision = quietReadHits(answered, coverage);
  return {
    operations: records.filter((r) => r.type !== 'fault').length,
    reads: reads.length,
    values: reads.filter((r) => r.outcome.status === 'value').length,
    hits: answered.filter((r) => r.loads.length === 0).length,
    loads: getOrSets.filter((r) => r.loads.length > 0).length,
    memoryHits: reads.filter((r) => r.memory === true && r.outcome.status === 'value').length,
    misses: reads.filter((r) => r.via === 'get' && r.outcome.status === 'miss').length,
    readErrors: reads.filter((r) => r.outcome.status === 'error').length,
    dbWrites: records.filter((r) => r.type === 'dbWrite').length,
    invalidations: invalidations.length,
    failedInvalidations: invalidations.filter((r) => r.outcome === 'failed').length,
    rawWrites: invalidations.filter((r) => isRawWrite(r.kind)).length,
    pending: records.filter((r) => r.type !== 'fault' && r.endMs === null).length,
    faults: records.filter((r) => r.type === 'fault').length,
    quietReads: precision.eligible,
    quietHits: precision.hits,
  };
}

/**
 * A `getOrSet` R is quiet when an earlier `getOrSet` P of its key ended before R started and no
 * invalidation covering the key (whatever its outcome) overlapped [P start, R end]: the value P
 * stored should still be there, and R should be a hit.
 */
function quietReadHits(
  answered: readonly ReadRecord[],
  coverage: Coverage,
): { eligible: number; hits: number } {
  const byKey = new Map<string, ReadRecord[]>();
  for (const read of answered) pushTo(byKey, read.key, read);
  let eligible = 0;
  let hits = 0;
  for (const list of byKey.values()) {
    const byEnd = [...list].sort((a, b) => (a.endMs ?? 0) - (b.endMs ?? 0));
    // latestStart[i]: the latest start among the first i+1 reads by end.
    const latestStart: number[] = [];
    for (const read of byEnd) {
      latestStart.push(Math.max(read.startMs, latestStart[latestStart.length - 1] ?? -Infinity));
    }
    const ends = byEnd.map((r) => r.endMs ?? Infinity);
    for (const read of list) {
      const before = lastBelow(ends, read.startMs);
      if (before < 0) continue;
      const fromMs = latestStart[before] as number;
      const toMs = read.endMs ?? Infinity;
      const touched = coverage
        .of(read)
        .some((inv) => inv.startMs < toMs && (inv.endMs ?? Infinity) > fromMs);
      if (touched) continue;
      eligible += 1;
      if (read.loads.length === 0) hits += 1;
    }
  }
  return { eligible, hits };
}

function lastBelow(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] as number) < value) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
