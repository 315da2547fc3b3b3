import type { Violation } from './history.checker.js';
import type { HistoryRecord, InvalidationRecord, ReadRecord } from './history.model.js';

interface TimelineEvent {
  atMs: number;
  order: number;
  text: string;
}

/**
 * Records as one line per event (an operation's start, its loader's read, its end), in time
 * order, in ms from `originMs`; the reads of `violations` are marked.
 */
export function formatTimeline(
  records: readonly HistoryRecord[],
  originMs: number,
  violations: readonly Violation[],
): string {
  const flagged = new Map(violations.map((v) => [v.read.id, v]));
  const events: TimelineEvent[] = [];
  let order = 0;
  const add = (atMs: number, text: string) => events.push({ atMs, order: order++, text });
  for (const r of records) {
    const who = `p${r.process} #${r.id}`;
    switch (r.type) {
      case 'read': {
        add(r.startMs, `${who} ${r.via}(${r.key}) begins`);
        for (const load of r.loads) {
          add(load.startMs, `${who}   its loader reads row ${r.row}: v${load.version}`);
        }
        const violation = flagged.get(r.id);
        const mark = violation
          ? `   <== VIOLATION: needs >= v${violation.requiredVersion ?? '?'} (after #${violation.invalidation?.id ?? '?'})`
          : '';
        add(r.endMs ?? Infinity, `${who} ${r.via}(${r.key}) ${readResult(r)}${mark}`);
        break;
      }
      case 'dbWrite':
        add(r.startMs, `${who} DB write: row ${r.row} := v${r.version}`);
        break;
      case 'invalidation':
        add(
          r.startMs,
          `${who} ${invalidationText(r)} begins (its writer wrote v${r.writtenVersion})`,
        );
        add(
          r.endMs ?? Infinity,
          `${who} ${invalidationText(r)} ${r.outcome === 'failed' ? `FAILED: ${r.error ?? ''}` : r.outcome}`,
        );
        break;
      case 'fault':
        add(r.startMs, `fault: ${r.description} begins`);
        add(r.endMs ?? Infinity, `fault: ${r.description} ends`);
        break;
    }
  }
  events.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  return events.map((e) => `  ${at(e.atMs, originMs).padStart(10)}  ${e.text}`).join('\n');
}

function readResult(read: ReadRecord): string {
  switch (read.outcome.status) {
    case 'value':
      return `-> v${read.outcome.value.version}${servedBy(read)}`;
    case 'miss':
      return '-> miss';
    case 'error':
      return `-> error: ${read.outcome.error}`;
    case 'pending':
      return 'never ended';
  }
}

export function servedBy(read: ReadRecord): string {
  if (read.memory === true) return ' (from the memory tier)';
  if (read.via === 'get') return ' (from the cache)';
  if (read.loads.length === 0) return ' (not its own load: cache or a peer)';
  return ` (its own load, which read ${read.loads.map((l) => `v${l.version}`).join(', ')})`;
}

export function invalidationText(inv: InvalidationRecord): string {
  switch (inv.kind) {
    case 'del':
      return `del(${inv.target})`;
    case 'set':
      return `set(${inv.target}, v${inv.writtenVersion})`;
    case 'tag':
    case 'groupTag':
      return `invalidateTags([${inv.target}])`;
    case 'prefix':
      return `deleteByPrefix(${inv.target})`;
    case 'clear':
      return 'clear()';
    case 'rawDel':
      return `raw DEL/UNLINK(${inv.target}) by a plain Redis client`;
    case 'rawSet':
      return `raw SET(${inv.target}, v${inv.writtenVersion}) by a plain Redis client`;
  }
}

export function at(timeMs: number | null, originMs: number): string {
  if (timeMs === null || !Number.isFinite(timeMs)) return 'never';
  return (timeMs - originMs).toFixed(2);
}
