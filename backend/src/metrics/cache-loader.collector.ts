import { Histogram, type Registry } from 'prom-client';
import type { LoaderCallObserver } from 'nestjs-coherent-cache';

/** Seconds: a cached query takes milliseconds, a slow report seconds. */
const LOADER_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Registers `cache_loader_duration_seconds{cache,outcome}`, the duration of every loader call
 * (`CacheService.observeLoads`), and returns the observer that feeds it. Its mean over time is
 * also `loadMs / loads` in `getStats()`.
 */
export function registerLoaderDurations(registry: Registry): LoaderCallObserver {
  const durations = new Histogram({
    name: 'cache_loader_duration_seconds',
    help: 'Duration of loader calls (handlers, sources) by cache name and outcome (ok, error).',
    labelNames: ['cache', 'outcome'] as const,
    buckets: LOADER_BUCKETS_SECONDS,
    registers: [registry],
  });
  return ({ name, outcome, durationMs }) => {
    durations.observe({ cache: name, outcome }, durationMs / 1000);
  };
}
