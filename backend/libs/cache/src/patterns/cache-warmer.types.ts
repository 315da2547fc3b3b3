/** What one warming run did. */
export interface WarmReport {
  /** Keys loaded and stored. */
  warmed: number;
  /** Keys left alone: already cached, or the loader had no value (`undefined`). */
  skipped: number;
  /** Keys whose loader threw or whose write Redis dropped. */
  failed: number;
  /** The keys that failed (at most 100 are listed). */
  failedKeys: string[];
  /** Wall time of the run, in ms. */
  durationMs: number;
}

/** Options of one warming run. */
export interface WarmOptions {
  /** TTL of the stored values, in seconds. Default the module's default TTL. */
  ttlSeconds?: number;
  /** Loaders running at once. Default the module's `patterns.warmConcurrency` (8). */
  concurrency?: number;
  /** Reload keys that are already cached. Default `false` (they are skipped). */
  overwrite?: boolean;
}

/** A warming run registered to happen when the application starts. */
export interface WarmJob<T> extends WarmOptions {
  /** A name for the logs. */
  name: string;
  /** The keys to warm (logical cache keys), or a function that lists them. */
  keys: readonly string[] | (() => Promise<readonly string[]> | readonly string[]);
  /** Loads one key's value; `undefined` means "nothing to cache" (skipped). */
  load: (key: string) => Promise<T | undefined>;
}
