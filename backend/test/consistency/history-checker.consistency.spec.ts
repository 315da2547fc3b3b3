import { checkHistory } from '../support/consistency/history.checker.js';
import { deltaText } from '../support/consistency/history.format.js';
import type {
  DbWriteRecord,
  HistoryRecord,
  InvalidationKind,
  InvalidationRecord,
  ReadRecord,
} from '../support/consistency/history.model.js';

/** Row 0's key and tags, as the workload names them. */
const KEY = 'row:g0:0';
const TAGS = ['row:0', 'group:g0'];

function dbWrite(process: number, version: number, startMs: number): DbWriteRecord {
  return {
    type: 'dbWrite',
    id: `${process}:w${version}`,
    process,
    row: 0,
    version,
    startMs,
    endMs: startMs + 1,
  };
}

function invalidation(
  process: number,
  kind: InvalidationKind,
  version: number,
  startMs: number,
  endMs: number,
): InvalidationRecord {
  return {
    type: 'invalidation',
    id: `${process}:i${version}`,
    process,
    kind,
    target: KEY,
    row: 0,
    writtenVersion: version,
    startMs,
    endMs,
    outcome: 'ok',
  };
}

function read(process: number, id: string, startMs: number, version: number): ReadRecord {
  return {
    type: 'read',
    id: `${process}:${id}`,
    process,
    via: 'get',
    key: KEY,
    row: 0,
    tags: TAGS,
    loads: [],
    startMs,
    endMs: startMs + 0.5,
    outcome: { status: 'value', value: { id: 0, version } },
    memory: true,
  };
}

/** Process 0 writes v1 and deletes the key (ends at 12 ms); readers return the old v0. */
function history(kind: InvalidationKind, readers: ReadRecord[]): HistoryRecord[] {
  return [dbWrite(0, 1, 0), invalidation(0, kind, 1, 10, 12), ...readers];
}

describe('history checker: δ between processes, strict within one', () => {
  it('a stale read of another process within the allowance is δ observed, beyond it a violation', () => {
    const report = checkHistory(
      history('del', [read(1, 'a', 12.8, 0), read(2, 'b', 15, 0), read(1, 'c', 40, 0)]),
      { crossProcessMarginMs: 25 },
    );
    expect(report.violations.map((v) => v.read.id)).toEqual(['1:c']);
    expect(report.delta.staleLagsMs.map((ms) => Math.round(ms * 10) / 10)).toEqual([0.8, 3, 28]);
    expect(report.delta.withinAllowance).toBe(2);
    expect(report.delta.exposed).toBe(2);
    expect(deltaText(report.delta)).toBe(
      'δ observed max 28.00 ms p99 28.00 ms (2 stale reads within margin, of 2 started within it), allowance 25 ms',
    );
  });

  it('a stale read in the invalidating process is a violation at any gap, and no δ sample', () => {
    const report = checkHistory(history('del', [read(0, 'a', 12.1, 0)]), {
      crossProcessMarginMs: 25,
    });
    expect(report.violations).toHaveLength(1);
    expect(report.delta.staleLagsMs).toEqual([]);
  });

  it("a raw client's write gets the allowance in every process, its writer's included", () => {
    const report = checkHistory(
      history('rawDel', [read(0, 'a', 13, 0), read(1, 'b', 13, 0), read(0, 'c', 50, 0)]),
      { crossProcessMarginMs: 25 },
    );
    expect(report.violations.map((v) => v.read.id)).toEqual(['0:c']);
    expect(report.delta.withinAllowance).toBe(2);
    expect(report.stats.rawWrites).toBe(1);
    expect(report.stats.memoryHits).toBe(3);
  });

  it('a raw SET is a write: later reads of its key must return at least its version', () => {
    const fresh = checkHistory(history('rawSet', [read(1, 'a', 60, 1)]), {
      crossProcessMarginMs: 25,
    });
    expect(fresh.violations).toEqual([]);
    const stale = checkHistory(history('rawSet', [read(1, 'a', 60, 0)]), {
      crossProcessMarginMs: 25,
    });
    expect(stale.violations.map((v) => v.requiredVersion)).toEqual([1]);
  });

  it('fresh reads leave δ unobserved', () => {
    const report = checkHistory(history('del', [read(1, 'a', 13, 1)]), {
      crossProcessMarginMs: 25,
    });
    expect(report.violations).toEqual([]);
    expect(deltaText(report.delta)).toBe(
      'δ observed none (0 stale reads within margin, of 1 started within it), allowance 25 ms',
    );
  });
});
