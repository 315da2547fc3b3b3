import {
  isRawWrite,
  type DbWriteRecord,
  type HistoryRecord,
  type InvalidationRecord,
  type ReadRecord,
} from './history.model.js';
import { statsOf, type HistoryStats } from './history.stats.js';
import { Coverage, pushTo } from './invalidation-coverage.js';

/** Options of {@link checkHistory}. */
export interface CheckOptions {
  /**
   * δ, the allowance between processes, in ms: a read must honour an invalidation made by another
   * process (or by a raw Redis client, whatever the process) only if it starts more than this
   * after the invalidation returned (memory tiers learn of it through Redis's messages). Within a
   * process the contract is strict (0). Default 1 (no memory tier: clocks of one host agree to a
   * few microseconds); 0 for runs inside one process.
   */
  crossProcessMarginMs?: number;
  /**
   * Margin when ordering a database write against an invalidation of another process, in ms.
   * Default: 1, or `crossProcessMarginMs` when smaller (0 inside one process).
   */
  clockMarginMs?: number;
}

/** A read that returned what the contract forbids. */
export interface Violation {
  /** `stale`: older than an invalidation it started after; `wrongRow`: another row's value. */
  kind: 'stale' | 'wrongRow';
  read: ReadRecord;
  /** The version the read returned. */
  returnedVersion: number;
  /** The invalidation (or write-through `set`) that ended before the read started. */
  invalidation?: InvalidationRecord;
  /** The lowest version a read starting after `invalidation` ended may return. */
  requiredVersion?: number;
  /** The database write of that version. */
  requiredBy?: DbWriteRecord;
}

/**
 * δ as observed: how long after an invalidation of another process (or a raw write) returned
 * reads still returned what it removed.
 */
export interface DeltaReport {
  /** The allowance the check applied (`crossProcessMarginMs`), in ms. */
  allowanceMs: number;
  /**
   * One per read that returned a value older than an invalidation of another process (or a raw
   * write) that had returned before it started, whatever the allowance: how long after it
   * returned the read started (the longest such gap of the read), in ms, ascending. A read with a
   * gap above the allowance is also a violation.
   */
  staleLagsMs: number[];
  /** Reads of `staleLagsMs` within the allowance: violations were δ 0. */
  withinAllowance: number;
  /** Those reads, each with the invalidation it started longest after. */
  staleWithin: StaleRead[];
  /**
   * Reads that returned a value and started within the allowance after an invalidation of their
   * key by another process (or a raw write) returned: the reads that could have been stale.
   */
  exposed: number;
}

/** A read that returned what an invalidation of another process had removed, `lagMs` after it returned. */
export interface StaleRead {
  read: ReadRecord;
  invalidation: InvalidationRecord;
  lagMs: number;
}

/** What {@link checkHistory} found. */
export interface CheckReport {
  stats: HistoryStats;
  violations: Violation[];
  delta: DeltaReport;
}

/**
 * Checks the contract over a whole history: a read R that returned version v of row r, for every
 * successful invalidation I covering R's key (the key, a prefix of it, a tag of its entries, or
 * `clear`) that ended before R started (by more than δ when I was made by another process or by a
 * raw client), must have v >= the version its writer wrote before starting I, and >= any version
 * of r whose database write ended before I started (a load that began after I began reads at
 * least that). A failed invalidation imposes nothing. Also measures δ: how long after such an I
 * returned reads still returned what it removed.
 */
export function checkHistory(
  records: readonly HistoryRecord[],
  options: CheckOptions = {},
): CheckReport {
  const allowanceMs = options.crossProcessMarginMs ?? 1;
  const clockMarginMs = options.clockMarginMs ?? Math.min(1, allowanceMs);
  const reads = records.filter((r): r is ReadRecord => r.type === 'read');
  const invalidations = records.filter((r): r is InvalidationRecord => r.type === 'invalidation');
  const coverage = new Coverage(invalidations);
  const versions = new RowVersions(
    records.filter((r): r is DbWriteRecord => r.type === 'dbWrite'),
    clockMarginMs,
  );
  const violations: Violation[] = [];
  const delta = emptyDelta(allowanceMs);
  for (const read of reads) {
    const found = checkRead(read, coverage.of(read), versions, allowanceMs);
    if (found.violation) violations.push(found.violation);
    if (found.exposed) delta.exposed += 1;
    if (found.stale !== null) {
      delta.staleLagsMs.push(found.stale.lagMs);
      if (found.stale.lagMs <= allowanceMs) {
        delta.withinAllowance += 1;
        delta.staleWithin.push(found.stale);
      }
    }
  }
  violations.sort((a, b) => a.read.startMs - b.read.startMs);
  delta.staleLagsMs.sort((a, b) => a - b);
  return { stats: statsOf(records, reads, invalidations, coverage), violations, delta };
}

/** What one read shows: its violation, its δ sample, whether it could have been stale. */
interface ReadFinding {
  violation: Violation | null;
  /** The invalidation of another process it started longest after, though it returned what it removed. */
  stale: StaleRead | null;
  exposed: boolean;
}

function checkRead(
  read: ReadRecord,
  covering: readonly InvalidationRecord[],
  versions: RowVersions,
  allowanceMs: number,
): ReadFinding {
  const finding: ReadFinding = { violation: null, stale: null, exposed: false };
  if (read.outcome.status !== 'value') return finding;
  const returned = read.outcome.value.version;
  if (read.outcome.value.id !== read.row) {
    finding.violation = { kind: 'wrongRow', read, returnedVersion: returned };
    return finding;
  }
  let worst: Violation | null = null;
  for (const invalidation of covering) {
    if (invalidation.outcome !== 'ok' || invalidation.endMs === null) continue;
    const gapMs = read.startMs - invalidation.endMs;
    if (!(gapMs > 0)) continue;
    // Strict within a process, unless another client made the change (only Redis tells).
    const strict = invalidation.process === read.process && !isRawWrite(invalidation.kind);
    if (!strict && gapMs <= allowanceMs) finding.exposed = true;
    const required = versions.requiredAfter(invalidation, read.row);
    if (returned >= required.version) continue;
    if (!strict && gapMs > (finding.stale?.lagMs ?? 0)) {
      finding.stale = { read, invalidation, lagMs: gapMs };
    }
    if (!(gapMs > (strict ? 0 : allowanceMs))) continue;
    const worse =
      worst === null ||
      required.version > (worst.requiredVersion ?? 0) ||
      (required.version === worst.requiredVersion &&
        (invalidation.endMs ?? 0) < (worst.invalidation?.endMs ?? 0));
    if (worse) {
      worst = {
        kind: 'stale',
        read,
        returnedVersion: returned,
        invalidation,
        requiredVersion: required.version,
        requiredBy: required.write,
      };
    }
  }
  finding.violation = worst;
  return finding;
}

/** A δ report with no read in it. */
export function emptyDelta(allowanceMs: number): DeltaReport {
  return { allowanceMs, staleLagsMs: [], withinAllowance: 0, staleWithin: [], exposed: 0 };
}

/** Two δ reports as one (runs of a soak); the allowance is the larger. */
export function mergeDelta(a: DeltaReport, b: DeltaReport): DeltaReport {
  return {
    allowanceMs: Math.max(a.allowanceMs, b.allowanceMs),
    staleLagsMs: [...a.staleLagsMs, ...b.staleLagsMs].sort((x, y) => x - y),
    withinAllowance: a.withinAllowance + b.withinAllowance,
    staleWithin: [...a.staleWithin, ...b.staleWithin],
    exposed: a.exposed + b.exposed,
  };
}

/** The `q` quantile (0–1, nearest rank) of ascending `sorted`; `null` when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** The database writes of each row, to tell which version a load beginning at a time reads. */
class RowVersions {
  /** Per row: writes sorted by end, and the highest version among the first i of them. */
  private readonly rows = new Map<number, { writes: DbWriteRecord[]; best: DbWriteRecord[] }>();
  private readonly memo = new Map<string, { version: number; write?: DbWriteRecord }>();

  constructor(
    writes: readonly DbWriteRecord[],
    private readonly marginMs: number,
  ) {
    const byRow = new Map<number, DbWriteRecord[]>();
    for (const write of writes) if (write.endMs !== null) pushTo(byRow, write.row, write);
    for (const [row, list] of byRow) {
      list.sort((a, b) => (a.endMs ?? 0) - (b.endMs ?? 0));
      const best: DbWriteRecord[] = [];
      for (const write of list) {
        const previous = best[best.length - 1];
        best.push(previous && previous.version > write.version ? previous : write);
      }
      this.rows.set(row, { writes: list, best });
    }
  }

  /**
   * The lowest version of `row` that a load beginning after `invalidation` began can read: the
   * writer's own version (for its row) or any version whose write ended before it began.
   */
  requiredAfter(
    invalidation: InvalidationRecord,
    row: number,
  ): { version: number; write?: DbWriteRecord } {
    const memoKey = `${invalidation.id}|${row}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    let result: { version: number; write?: DbWriteRecord } = {
      version: invalidation.row === row ? invalidation.writtenVersion : 0,
    };
    const entry = this.rows.get(row);
    if (entry) {
      const startMs = invalidation.startMs;
      // Writes that ended a margin before the start count whatever process made them …
      const sure = lastIndexBefore(entry.writes, startMs - this.marginMs);
      const base = sure >= 0 ? entry.best[sure] : undefined;
      if (base && base.version > result.version) result = { version: base.version, write: base };
      // … and those of the invalidation's own process up to its start.
      for (let i = sure + 1; i < entry.writes.length; i += 1) {
        const write = entry.writes[i] as DbWriteRecord;
        if ((write.endMs ?? Infinity) >= startMs) break;
        if (write.process === invalidation.process && write.version > result.version) {
          result = { version: write.version, write };
        }
      }
    }
    this.memo.set(memoKey, result);
    return result;
  }
}

/** Index of the last write (sorted by end) that ended strictly before `timeMs`, or -1. */
function lastIndexBefore(writes: readonly DbWriteRecord[], timeMs: number): number {
  let low = 0;
  let high = writes.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (((writes[mid] as DbWriteRecord).endMs ?? Infinity) < timeMs) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
