import {
  quantile,
  type CheckReport,
  type DeltaReport,
  type StaleRead,
  type Violation,
} from './history.checker.js';
import type { HistoryStats } from './history.stats.js';
import {
  isRawWrite,
  type HistoryRecord,
  type InvalidationRecord,
  type ReadRecord,
} from './history.model.js';
import { at, formatTimeline, invalidationText, servedBy } from './history.timeline.js';

/**
 * `[consistency <label>] ops=… reads=… … violations=N`, then the δ observed when the report
 * measured it (see {@link deltaText}).
 */
export function summaryLine(
  label: string,
  report: Pick<CheckReport, 'stats' | 'violations'> & { delta?: DeltaReport },
  extra: Record<string, string | number> = {},
): string {
  const s = report.stats;
  const fields: Record<string, string | number> = {
    ...extra,
    ops: s.operations,
    reads: s.reads,
    hits: s.hits,
    loads: s.loads,
    ...(s.memoryHits > 0 ? { memoryHits: s.memoryHits } : {}),
    invalidations: s.invalidations,
    failedInvalidations: s.failedInvalidations,
    ...(s.faults > 0 || 'faults' in extra ? { faults: s.faults } : {}),
    ...(s.pending > 0 ? { pending: s.pending } : {}),
    ...(s.readErrors > 0 ? { readErrors: s.readErrors } : {}),
    ...(s.rawWrites > 0 ? { rawWrites: s.rawWrites } : {}),
    precision: precisionText(s),
    violations: report.violations.length,
  };
  const text = Object.entries(fields)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const delta = report.delta ? `, ${deltaText(report.delta)}` : '';
  return `[consistency ${label}] ${text}${delta}`;
}

/**
 * `δ observed max 3.10 ms p99 0.80 ms (12 stale reads within margin, of 340 started within it),
 * allowance 25 ms`: how long after an invalidation of another process (or a raw write) returned
 * reads still returned what it removed; how many such reads the allowance excused (violations
 * were δ 0), and how many reads started within the allowance after such an invalidation.
 */
export function deltaText(delta: DeltaReport): string {
  if (delta.allowanceMs === 0) return 'δ allowance 0 ms (one process: strict)';
  const lags = delta.staleLagsMs;
  const max = quantile(lags, 1);
  const p99 = quantile(lags, 0.99);
  const observed =
    max === null || p99 === null
      ? 'δ observed none'
      : `δ observed max ${max.toFixed(2)} ms p99 ${p99.toFixed(2)} ms`;
  return `${observed} (${delta.withinAllowance} stale reads within margin, of ${delta.exposed} started within it), allowance ${delta.allowanceMs} ms`;
}

/** `97.5%(312/320)`: hit ratio of `getOrSet` calls on keys nothing invalidated since a load. */
export function precisionText(stats: HistoryStats): string {
  if (stats.quietReads === 0) return 'n/a';
  const ratio = (100 * stats.quietHits) / stats.quietReads;
  return `${ratio.toFixed(1)}%(${stats.quietHits}/${stats.quietReads})`;
}

/** One line naming both operations of a violation. */
export function describeViolation(violation: Violation, originMs: number): string {
  const read = violation.read;
  const readText = `p${read.process} #${read.id} ${read.via}(${read.key}) [${at(read.startMs, originMs)} → ${at(read.endMs, originMs)}] returned v${violation.returnedVersion}${servedBy(read)}`;
  if (violation.kind === 'wrongRow') {
    return `${readText}, a value of another row`;
  }
  const inv = violation.invalidation as InvalidationRecord;
  const gapMs = read.startMs - (inv.endMs ?? 0);
  const because = violation.requiredBy
    ? `; row ${read.row} was at v${violation.requiredVersion} (p${violation.requiredBy.process} #${violation.requiredBy.id} DB write ended ${at(violation.requiredBy.endMs, originMs)}) before it began`
    : '';
  return `${readText}, but needs >= v${violation.requiredVersion}: it started ${gapMs.toFixed(2)} ms after p${inv.process} #${inv.id} ${invalidationText(inv)} [${at(inv.startMs, originMs)} → ${at(inv.endMs, originMs)}] returned${because}`;
}

/**
 * A report of violations: the first `limit` described, and for the first one the timeline of
 * the operations on its row around it.
 */
export function formatViolations(
  report: CheckReport,
  records: readonly HistoryRecord[],
  limit = 5,
): string {
  if (report.violations.length === 0) return '';
  const originMs = originOf(records);
  const lines = [
    `${report.violations.length} violation(s); ${breakdownOf(report.violations, records)}`,
    'times in ms from the first operation; p<n> is process n, #<n>:<k> an operation',
  ];
  for (const violation of report.violations.slice(0, limit)) {
    lines.push(
      `  VIOLATION ${describeViolation(violation, originMs)}${readerActivity(violation, records, originMs)}`,
    );
  }
  if (report.violations.length > limit) lines.push(`  … ${report.violations.length - limit} more`);
  const first = report.violations[0] as Violation;
  lines.push(`history of row ${first.read.row} around the first violation:`);
  lines.push(formatTimeline(contextOf(first, records), originMs, report.violations));
  return lines.join('\n');
}

/**
 * The reads the allowance excused (stale with δ 0), one a line, each with the replies its
 * process handled meanwhile ('' when none).
 */
export function formatStaleReads(delta: DeltaReport, records: readonly HistoryRecord[]): string {
  if (delta.staleWithin.length === 0) return '';
  const originMs = originOf(records);
  return delta.staleWithin
    .map(
      (stale) =>
        `  STALE WITHIN δ ${describeStale(stale, originMs)}${readerActivity(stale, records, originMs)}`,
    )
    .join('\n');
}

function describeStale(stale: StaleRead, originMs: number): string {
  const { read, invalidation: inv } = stale;
  const version = read.outcome.status === 'value' ? read.outcome.value.version : '?';
  return `p${read.process} #${read.id} ${read.via}(${read.key}) [${at(read.startMs, originMs)}] returned v${version}${servedBy(read)} ${stale.lagMs.toFixed(2)} ms after p${inv.process} #${inv.id} ${invalidationText(inv)} [${at(inv.startMs, originMs)} → ${at(inv.endMs, originMs)}] returned`;
}

/**
 * For a violation across processes: how many replies the reader's process handled between the
 * invalidation's return and the read's start (operations that waited for I/O and ended then).
 * None: the process was stalled, and served what its memory tier held before its event loop
 * read the invalidation message; some: the message reached it late, or not at all.
 */
function readerActivity(
  violation: Pick<Violation, 'read' | 'invalidation'>,
  records: readonly HistoryRecord[],
  originMs: number,
): string {
  const { read, invalidation } = violation;
  if (!invalidation || invalidation.endMs === null) return '';
  if (invalidation.process === read.process && !isRawWrite(invalidation.kind)) return '';
  const fromMs = invalidation.endMs;
  const ended = records.filter(
    (r) =>
      r.process === read.process &&
      r.type !== 'fault' &&
      r.endMs !== null &&
      r.endMs > fromMs &&
      r.endMs < read.startMs &&
      !(r.type === 'read' && r.memory === true),
  );
  const lastMs = ended.reduce((max, r) => Math.max(max, r.endMs ?? 0), -Infinity);
  const last = ended.length > 0 ? ` (the last at ${at(lastMs, originMs)})` : '';
  return `; p${read.process} handled ${ended.length} replies in between${last}`;
}

/**
 * How the violations split: by the kind of invalidation they ignored, whether the reader ran in
 * the invalidating process, and whether the invalidation overlapped a fault.
 */
function breakdownOf(violations: readonly Violation[], records: readonly HistoryRecord[]): string {
  const faults = records.filter((r) => r.type === 'fault');
  const byKind = new Map<string, number>();
  let sameProcess = 0;
  let duringFault = 0;
  for (const { read, invalidation } of violations) {
    if (!invalidation) {
      byKind.set('wrongRow', (byKind.get('wrongRow') ?? 0) + 1);
      continue;
    }
    byKind.set(invalidation.kind, (byKind.get(invalidation.kind) ?? 0) + 1);
    if (invalidation.process === read.process) sameProcess += 1;
    const overlapped = faults.some(
      (f) =>
        invalidation.startMs <= (f.endMs ?? Infinity) &&
        (invalidation.endMs ?? Infinity) >= f.startMs,
    );
    if (overlapped) duringFault += 1;
  }
  const kinds = [...byKind].map(([kind, count]) => `${kind}=${count}`).join(' ');
  const stale = violations.filter((v) => v.invalidation).length;
  return [
    `ignored invalidations: ${kinds}`,
    `reader in the invalidating process: ${sameProcess}/${stale}`,
    ...(faults.length > 0 ? [`invalidation during a fault: ${duringFault}/${stale}`] : []),
  ].join('; ');
}

/** Every record as a timeline (for short histories: an in-process counterexample). */
export function formatHistory(records: readonly HistoryRecord[], report: CheckReport): string {
  return formatTimeline(records, originOf(records), report.violations);
}

function originOf(records: readonly HistoryRecord[]): number {
  return records.reduce((min, r) => Math.min(min, r.startMs), Infinity);
}

/** The records on the violating read's row in the window from the stale load to the read. */
function contextOf(violation: Violation, records: readonly HistoryRecord[]): HistoryRecord[] {
  const read = violation.read;
  const staleLoads = records
    .filter((r): r is ReadRecord => r.type === 'read' && r.row === read.row)
    .flatMap((r) => r.loads.filter((l) => l.version === violation.returnedVersion))
    .map((l) => l.startMs)
    .filter((ms) => ms <= (read.endMs ?? Infinity));
  const fromMs =
    Math.min(
      staleLoads.length > 0 ? Math.max(...staleLoads) : read.startMs,
      violation.invalidation?.startMs ?? Infinity,
      violation.requiredBy?.startMs ?? Infinity,
    ) - 5;
  const toMs = (read.endMs ?? read.startMs) + 1;
  const related = records.filter((r) => {
    if ((r.endMs ?? Infinity) < fromMs || r.startMs > toMs) return false;
    switch (r.type) {
      case 'read':
        return r.row === read.row;
      case 'dbWrite':
        return r.row === read.row;
      case 'invalidation':
        return coversRead(r, read);
      case 'fault':
        return true;
    }
  });
  return related.length > 80 ? related.slice(-80) : related;
}

function coversRead(inv: InvalidationRecord, read: ReadRecord): boolean {
  switch (inv.kind) {
    case 'del':
    case 'set':
    case 'rawDel':
    case 'rawSet':
      return inv.target === read.key;
    case 'tag':
    case 'groupTag':
      return read.tags.includes(inv.target);
    case 'prefix':
      return read.key.startsWith(inv.target);
    case 'clear':
      return true;
  }
}
