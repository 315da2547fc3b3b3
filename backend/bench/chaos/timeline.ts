import type { LoadSample } from '../../test/support/load-driver.js';

/**
 * One line per second of load, from `fromMs`: requests started, 2xx, errors, median and
 * slowest latency. Printed with `--timeline` to see how a fault unfolds.
 */
export function timelineLines(samples: readonly LoadSample[], fromMs: number): string[] {
  const buckets = new Map<number, LoadSample[]>();
  for (const sample of samples) {
    const second = Math.floor((sample.startedAtMs - fromMs) / 1000);
    buckets.set(second, [...(buckets.get(second) ?? []), sample]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, inBucket]) => {
      const latencies = inBucket.map((s) => s.latencyMs).sort((a, b) => a - b);
      const ok = inBucket.filter((s) => s.ok && !s.threw && !s.hung).length;
      const median = latencies[Math.floor(latencies.length / 2)] ?? 0;
      const max = latencies[latencies.length - 1] ?? 0;
      return `    t=${String(second).padStart(3)} s  ${inBucket.length} started, ${ok} 2xx, ${inBucket.length - ok} errors, p50 ${Math.round(median)} ms, max ${Math.round(max)} ms`;
    });
}
