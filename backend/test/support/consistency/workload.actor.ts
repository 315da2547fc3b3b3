import {
  clockMs,
  describeError,
  type HistoryRecorder,
  type InvalidationKind,
  type InvalidationRecord,
  type ReadRecord,
  type RowValue,
} from './history.model.js';
import {
  groupOf,
  groupPrefixOf,
  keyOf,
  tagsOf,
  type CacheUnderTest,
  type RowLayout,
} from './workload.layout.js';
import type { RawEntryWriter } from './raw-entry-writer.js';
import type { RowLocks } from './row-locks.js';
import type { RowStore } from './row-stores.js';

/**
 * Where time passes in a run. In process, each wait is a task of fast-check's scheduler (it
 * orders them); across processes, a real random delay.
 */
export interface Pacer {
  /** Before an operation begins. */
  beforeStart(label: string): Promise<void>;
  /**
   * Between a loader's database read and its answer. `slowness` (0 or more, from the workload)
   * asks for a longer wait.
   */
  loaderAnswer(label: string, slowness: number): Promise<void>;
  /** Between a writer's database write and its invalidation. */
  beforeInvalidation(label: string): Promise<void>;
  /** While an operation waits for another one (a row lock held by a writer). */
  blockedOn<T>(promise: Promise<T>): Promise<T>;
}

/** One operation of a workload. */
export type WorkloadStep =
  | {
      type: 'read';
      via: 'getOrSet' | 'get';
      process: number;
      row: number;
      /** How slow its loader is (0 or more); the pacer decides what it means. */
      slowness?: number;
    }
  | { type: 'write'; process: number; row: number; invalidation: InvalidationKind };

/** What an actor needs. */
export interface ActorDeps {
  process: number;
  layout: RowLayout;
  cache: CacheUnderTest;
  db: RowStore;
  pacer: Pacer;
  recorder: HistoryRecorder;
  locks: RowLocks;
  ttlSeconds: number;
  /** A plain Redis client on the cache's entry keys, for `rawDel` and `rawSet` writes. */
  raw?: RawEntryWriter;
}

/**
 * Whether `promise` settles within a few microtasks, without waiting for I/O: a read answered
 * by the memory tier does, one that reached Redis or a loader cannot.
 */
async function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  promise.then(mark, mark);
  for (let tick = 0; tick < 20 && !settled; tick += 1) await Promise.resolve();
  return settled;
}

function isRowValue(value: unknown): value is RowValue {
  if (typeof value !== 'object' || value === null) return false;
  const { id, version } = value as Record<string, unknown>;
  return typeof id === 'number' && typeof version === 'number';
}

/**
 * Runs the operations of one process against its cache and records each of them: readers
 * (`getOrSet` with a loader that reads the row at its start, `get`) and writers (database write,
 * then one invalidation: through the cache, or by a plain Redis client on the entry key).
 */
export class WorkloadActor {
  private readonly inFlight = new Set<ReadRecord | InvalidationRecord>();

  constructor(private readonly deps: ActorDeps) {}

  run(step: WorkloadStep): Promise<void> {
    return step.type === 'read'
      ? this.read(step.via, step.row, step.slowness ?? 0)
      : this.write(step.row, step.invalidation);
  }

  /**
   * Records every operation still running as never ended (before a child gives up on them);
   * returns how many there were.
   */
  abandonInFlight(): number {
    const count = this.inFlight.size;
    for (const record of this.inFlight) this.deps.recorder.add(record);
    this.inFlight.clear();
    return count;
  }

  async read(via: 'getOrSet' | 'get', row: number, slowness = 0): Promise<void> {
    const { process, layout, cache, db, pacer, recorder, ttlSeconds } = this.deps;
    const key = keyOf(layout, row);
    const id = recorder.nextId();
    await pacer.beforeStart(`p${process} #${id} ${via} ${key} starts`);
    const record: ReadRecord = {
      type: 'read',
      id,
      process,
      via,
      key,
      row,
      tags: tagsOf(layout, row),
      loads: [],
      startMs: clockMs(),
      endMs: null,
      outcome: { status: 'pending' },
    };
    this.inFlight.add(record);
    const loader = async (): Promise<RowValue> => {
      const startMs = clockMs();
      const version = await db.read(row);
      record.loads.push({ startMs, version });
      await pacer.loaderAnswer(
        `p${process} #${id} loader of ${key} (read v${version}) answers`,
        slowness,
      );
      return { id: row, version };
    };
    try {
      const answer: Promise<unknown> =
        via === 'getOrSet'
          ? cache.getOrSet(key, loader, { ttlSeconds, tags: record.tags })
          : cache.get<RowValue>(key);
      record.memory = await settlesAtOnce(answer);
      const value = await answer;
      if (value === null || value === undefined) record.outcome = { status: 'miss' };
      else if (isRowValue(value)) {
        record.outcome = { status: 'value', value: { id: value.id, version: value.version } };
      } else {
        record.outcome = { status: 'error', error: `not a row: ${JSON.stringify(value)}` };
      }
    } catch (error) {
      record.outcome = { status: 'error', error: describeError(error) };
    }
    record.endMs = clockMs();
    this.finish(record);
  }

  async write(row: number, kind: InvalidationKind): Promise<void> {
    const { process, db, pacer, recorder, locks } = this.deps;
    const id = recorder.nextId();
    const invalidationId = recorder.nextId();
    await pacer.beforeStart(`p${process} #${id} write of row ${row} starts`);
    const release = await pacer.blockedOn(locks.acquire(row));
    try {
      const dbStartMs = clockMs();
      const version = await db.write(row);
      recorder.add({
        type: 'dbWrite',
        id,
        process,
        row,
        version,
        startMs: dbStartMs,
        endMs: clockMs(),
      });
      const record = this.invalidationRecord(invalidationId, row, version, kind);
      await pacer.beforeInvalidation(
        `p${process} #${record.id} ${record.kind}(${record.target}) after v${version} starts`,
      );
      record.startMs = clockMs();
      this.inFlight.add(record);
      try {
        if (await this.invalidate(record)) record.outcome = 'ok';
        else {
          record.outcome = 'failed';
          record.error = 'set returned false (not stored)';
        }
      } catch (error) {
        record.outcome = 'failed';
        record.error = describeError(error);
      }
      record.endMs = clockMs();
      this.finish(record);
    } finally {
      release();
    }
  }

  private finish(record: ReadRecord | InvalidationRecord): void {
    if (!this.inFlight.delete(record)) return;
    this.deps.recorder.add(record);
  }

  private invalidationRecord(
    id: string,
    row: number,
    version: number,
    requested: InvalidationKind,
  ): InvalidationRecord {
    const { process, layout, cache } = this.deps;
    // Without `clear` (today's service), the widest prefix stands in for it.
    const kind = requested === 'clear' && typeof cache.clear !== 'function' ? 'prefix' : requested;
    const targets: Record<InvalidationKind, string> = {
      del: keyOf(layout, row),
      set: keyOf(layout, row),
      tag: `row:${row}`,
      groupTag: `group:${groupOf(layout, row)}`,
      prefix: requested === 'clear' ? 'row:' : groupPrefixOf(layout, row),
      clear: '*',
      rawDel: keyOf(layout, row),
      rawSet: keyOf(layout, row),
    };
    return {
      type: 'invalidation',
      id,
      process,
      kind,
      target: targets[kind],
      row,
      writtenVersion: version,
      startMs: clockMs(),
      endMs: null,
      outcome: 'pending',
    };
  }

  /** Runs the invalidation; `false` when a `set` reports it stored nothing. */
  private async invalidate(record: InvalidationRecord): Promise<boolean> {
    const { cache, layout, ttlSeconds, raw } = this.deps;
    switch (record.kind) {
      case 'del':
        await cache.del(record.target);
        return true;
      case 'set':
        return cache.set<RowValue>(
          record.target,
          { id: record.row, version: record.writtenVersion },
          { ttlSeconds, tags: tagsOf(layout, record.row) },
        );
      case 'tag':
      case 'groupTag':
        await cache.invalidateTags([record.target]);
        return true;
      case 'prefix':
        await cache.deleteByPrefix(record.target);
        return true;
      case 'clear':
        await cache.clear?.();
        return true;
      case 'rawDel':
      case 'rawSet':
        if (!raw) throw new Error(`${record.kind} needs a raw Redis client`);
        if (record.kind === 'rawDel') await raw.delete(record.target);
        else {
          const value: RowValue = { id: record.row, version: record.writtenVersion };
          await raw.set(record.target, value, tagsOf(layout, record.row), ttlSeconds);
        }
        return true;
    }
  }
}
