/**
 * The rows of a run and their cache keys and tags: row `id` belongs to group `g<id % groups>`,
 * is cached under `row:<group>:<id>` (so that `deleteByPrefix('row:<group>:')` names a group)
 * with tags `row:<id>` and `group:<group>`. The last group is cold: no writer touches its rows,
 * so their reads show whether unrelated loads keep caching.
 */
export interface RowLayout {
  /** Rows `0 … rows-1`. */
  rows: number;
  /** Groups `g0 … g<groups-1>`; must be at most 10 so that no prefix names two groups. */
  groups: number;
}

export function groupOf(layout: RowLayout, row: number): string {
  return `g${row % layout.groups}`;
}

export function keyOf(layout: RowLayout, row: number): string {
  return `row:${groupOf(layout, row)}:${row}`;
}

/** The tags every entry of the row's key carries. */
export function tagsOf(layout: RowLayout, row: number): string[] {
  return [`row:${row}`, `group:${groupOf(layout, row)}`];
}

/** The prefix that names every key of the row's group. */
export function groupPrefixOf(layout: RowLayout, row: number): string {
  return `row:${groupOf(layout, row)}:`;
}

/** Rows some writer may change (every group but the last). */
export function hotRows(layout: RowLayout): number[] {
  return Array.from({ length: layout.rows }, (_, row) => row).filter(
    (row) => row % layout.groups !== layout.groups - 1,
  );
}

/**
 * The part of the cache API the runs drive. `CacheService` fits it; so does the naive cache of
 * the checker's own test. `clear` is called only when present.
 */
export interface CacheUnderTest {
  getOrSet<T>(
    key: string,
    loader: () => Promise<T>,
    options: { ttlSeconds: number; tags: string[] },
  ): Promise<T>;
  get<T>(key: string): Promise<T | null>;
  set<T>(key: string, value: T, options: { ttlSeconds: number; tags: string[] }): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  deleteByPrefix(prefix: string): Promise<number>;
  invalidateTags(tags: readonly string[]): Promise<number>;
  clear?: () => Promise<number>;
}
