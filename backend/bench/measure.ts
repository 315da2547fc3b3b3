/** Throughput of one measured run. */
export interface Throughput {
  opsPerSecond: number;
  /** Per-call latencies, in milliseconds. */
  latenciesMs: number[];
}

/**
 * Runs `op` `total` times from `concurrency` concurrent callers and measures throughput and
 * per-call latency.
 */
export async function measure(
  op: (i: number) => Promise<unknown>,
  concurrency: number,
  total: number,
): Promise<Throughput> {
  const latenciesMs: number[] = [];
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const callStartedAt = performance.now();
        await op(i);
        latenciesMs.push(performance.now() - callStartedAt);
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return { opsPerSecond: total / seconds, latenciesMs };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export { percentile } from '../test/support/load-callers.js';

/** Formats rows as an aligned text table. */
export function table(header: string[], rows: (string | number)[][]): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
