import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RedisService, RedisStats } from 'nestjs-coherent-cache';

const CONNECTION_COUNTERS: readonly { field: keyof RedisStats; name: string; help: string }[] = [
  { field: 'hits', name: 'redis_hits_total', help: 'RedisService reads that found a value.' },
  {
    field: 'misses',
    name: 'redis_misses_total',
    help: 'RedisService reads that found nothing, or could not reach Redis.',
  },
  { field: 'errors', name: 'redis_errors_total', help: 'Redis calls that failed for any reason.' },
  {
    field: 'timeouts',
    name: 'redis_timeouts_total',
    help: 'Redis calls that did not complete within the command timeout.',
  },
  {
    field: 'shortCircuited',
    name: 'redis_short_circuited_total',
    help: 'Calls answered at once because the breaker was open or the connection not ready.',
  },
  {
    field: 'lateWritesRefused',
    name: 'redis_late_writes_refused_total',
    help: 'Writes Redis refused because they arrived after their deadline.',
  },
  {
    field: 'reconnectAttempts',
    name: 'redis_reconnect_attempts_total',
    help: 'Reconnection attempts since start.',
  },
];

/** Seconds; Redis calls on loopback take well under a millisecond, a timeout hundreds. */
const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/**
 * Registers the connection's metrics: counters and gauges read from `getStats()` at scrape
 * time, and a latency histogram fed by `observeCalls`. Returns a function that stops observing.
 */
export function registerRedisMetrics(registry: Registry, redis: RedisService): () => void {
  for (const { field, name, help } of CONNECTION_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(Number(redis.getStats()[field]));
      },
    });
  }
  new Gauge({
    name: 'redis_breaker_open',
    help: 'Circuit breaker state: 1 open (calls fail at once), 0 closed.',
    registers: [registry],
    collect() {
      this.set(redis.getStats().breakerState === 'open' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'redis_connection_ready',
    help: 'Whether the cache connection is ready: 1 yes, 0 no.',
    labelNames: ['mode'] as const,
    registers: [registry],
    collect() {
      const stats = redis.getStats();
      this.reset();
      this.set({ mode: stats.mode }, stats.ready ? 1 : 0);
    },
  });
  const latency = new Histogram({
    name: 'redis_command_duration_seconds',
    help: 'Duration of bounded Redis calls, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  return redis.observeCalls(({ operation, outcome, durationMs }) => {
    latency.observe({ operation, outcome }, durationMs / 1000);
  });
}
