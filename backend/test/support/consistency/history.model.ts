/**
 * The history of a consistency run: every operation of every process, with when it began and
 * ended on a clock that processes of one host share, what it touched and how it ended.
 */

/**
 * Milliseconds (fractional) on a clock comparable across the processes of one host:
 * `performance.timeOrigin + performance.now()`.
 */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What a cache entry holds in these runs: the row and the version a load or a write saw. */
export interface RowValue {
  id: number;
  version: number;
}

/**
 * How a writer invalidates after changing its row: through its cache (`del`, `set`, `tag`,
 * `groupTag`, `prefix`, `clear`), or with a plain Redis client on the entry's key, outside the
 * cache (`rawDel`: `DEL` or `UNLINK`; `rawSet`: `SET` of an entry text holding the new version).
 */
export type InvalidationKind =
  'del' | 'set' | 'tag' | 'groupTag' | 'prefix' | 'clear' | 'rawDel' | 'rawSet';

/**
 * Whether the invalidation was made by another Redis client than the cache (a raw write): no
 * memory tier learns of it but through Redis, its writer's own process included.
 */
export function isRawWrite(kind: InvalidationKind): boolean {
  return kind === 'rawDel' || kind === 'rawSet';
}

/** Fields every record has. `endMs` is `null` for an operation that never ended. */
interface TimedRecord {
  /** `<process>:<n>`, unique in a history. */
  id: string;
  /** The process (or in-process cache instance) that ran it. */
  process: number;
  startMs: number;
  endMs: number | null;
}

/** One loader call made by a read: when it read the row, and the version it saw. */
export interface LoaderCall {
  startMs: number;
  version: number;
}

/** How a read ended. */
export type ReadOutcome =
  | { status: 'value'; value: RowValue }
  | { status: 'miss' }
  | { status: 'error'; error: string }
  | { status: 'pending' };

/** A `getOrSet` or a `get`. */
export interface ReadRecord extends TimedRecord {
  type: 'read';
  via: 'getOrSet' | 'get';
  key: string;
  row: number;
  /** The tags every entry of `key` carries (attached by `getOrSet` and by write-through `set`). */
  tags: string[];
  /** The loader calls this read made itself (none when it was served by the cache or a peer). */
  loads: LoaderCall[];
  outcome: ReadOutcome;
  /**
   * Answered without waiting for any I/O (within a few microtasks of the call): by the memory
   * tier. Absent in older histories.
   */
  memory?: boolean;
}

/** A change of a row in the database (its version moved to `version`). */
export interface DbWriteRecord extends TimedRecord {
  type: 'dbWrite';
  row: number;
  version: number;
}

/** The invalidation (or write-through `set`) a writer made after its database write. */
export interface InvalidationRecord extends TimedRecord {
  type: 'invalidation';
  kind: InvalidationKind;
  /** The key (`del`, `set`, `rawDel`, `rawSet`), tag, prefix, or `*` (`clear`). */
  target: string;
  /** The writer's row and the version it wrote before starting this invalidation. */
  row: number;
  writtenVersion: number;
  outcome: 'ok' | 'failed' | 'pending';
  error?: string;
}

/** A fault injected by a parent process (kept for the timeline; the check ignores it). */
export interface FaultRecord extends TimedRecord {
  type: 'fault';
  description: string;
}

export type HistoryRecord = ReadRecord | DbWriteRecord | InvalidationRecord | FaultRecord;

/**
 * Collects the records of one process, numbering them `<process>:<n>`. `onRecord` sees each
 * record when it is complete (a child streams them to its parent).
 */
export class HistoryRecorder {
  readonly records: HistoryRecord[] = [];
  private next = 1;

  constructor(
    readonly process: number,
    private readonly onRecord: (record: HistoryRecord) => void = () => undefined,
  ) {}

  /** A fresh record id. */
  nextId(): string {
    const id = `${this.process}:${this.next}`;
    this.next += 1;
    return id;
  }

  add(record: HistoryRecord): void {
    this.records.push(record);
    this.onRecord(record);
  }
}

/** Text of an error for a record, never its stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? `(${code})` : ''}: ${error.message}`;
  }
  return String(error);
}
