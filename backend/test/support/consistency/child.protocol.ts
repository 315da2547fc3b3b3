import type { RedisConnectionOptions } from 'nestjs-coherent-cache';
import type { HistoryRecord } from './history.model.js';
import type { RowLayout } from './workload.layout.js';

/** The environment variable that carries a child's {@link ChildConfig} (JSON). */
export const CHILD_CONFIG_VARIABLE = 'CONSISTENCY_CHILD_CONFIG';

/** What one child process of a cross-process run does. */
export interface ChildConfig {
  /** Its number in the run (0, 1, 2): the `process` of its records. */
  process: number;
  processes: number;
  /** How its CacheService reaches the cache Redis (through its own proxy, standalone). */
  connection: RedisConnectionOptions;
  /**
   * Where its plain Redis client (writes of entry keys outside the cache) connects: the cache
   * Redis, by the same path as `connection`. Absent: no raw writes.
   */
  rawConnection?: RedisConnectionOptions;
  /** The cache namespace, shared by every child. */
  keyPrefix: string;
  /** The database server and the prefix of its row keys. */
  dbUrl: string;
  dbPrefix: string;
  layout: RowLayout;
  /** Seed of its workload choices and delays. */
  seed: number;
  /** Operations it keeps running at once. */
  workers: number;
  ttlSeconds: number;
  /** Longest pause of a worker between two operations, in ms. */
  thinkMs: number;
}

/** Parent to child: finish the operations in flight (at most `drainMs`), send the rest, exit. */
export interface StopMessage {
  type: 'stop';
  drainMs: number;
}

/** Child to parent. */
export type ChildMessage =
  | { type: 'ready'; available: boolean }
  | { type: 'records'; records: HistoryRecord[] }
  | { type: 'done'; abandoned: number; memory: MemoryReport };

/** A child's memory tier when it stopped: on or off, the mechanism that kept it coherent. */
export interface MemoryReport {
  enabled: boolean;
  mechanism: string;
}

export function isStopMessage(value: unknown): value is StopMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'stop' &&
    typeof (value as { drainMs?: unknown }).drainMs === 'number'
  );
}

export function isChildMessage(value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'records' || type === 'done';
}
