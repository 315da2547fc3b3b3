import { Gauge, type Registry } from 'prom-client';
import type { QueueCounts, QueueService } from '../queue/index.js';

/** Deadline of the counts read at scrape time, in milliseconds. */
const COUNTS_TIMEOUT_MS = 500;

/**
 * Registers `queue_jobs{queue,state}` (waiting, active, delayed, failed), read at scrape time
 * within a deadline, and `queue_up` (1 when the counts could be read).
 */
export function registerQueueMetrics(registry: Registry, queues: () => QueueService | null): void {
  // Both gauges of one scrape share one read (a scrape collects metrics concurrently).
  let current: { atMs: number; read: Promise<CountsRead> } | null = null;
  const readOnce = (): Promise<CountsRead> => {
    if (!current || Date.now() - current.atMs > SHARED_READ_MS) {
      current = { atMs: Date.now(), read: readCounts(queues()) };
    }
    return current.read;
  };
  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed).',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const { counts } = await readOnce();
      for (const [queue, byState] of Object.entries(counts ?? {})) {
        for (const [state, value] of Object.entries(byState) as [string, number][]) {
          this.set({ queue, state }, value);
        }
      }
    },
  });
  new Gauge({
    name: 'queue_up',
    help: 'Whether the queue counts could be read at the last scrape: 1 yes, 0 no.',
    registers: [registry],
    async collect() {
      this.set((await readOnce()).counts ? 1 : 0);
    },
  });
}

interface CountsRead {
  counts: Record<string, QueueCounts> | null;
}

/** How long one read of the counts serves the collectors of a scrape, in milliseconds. */
const SHARED_READ_MS = 100;

async function readCounts(service: QueueService | null): Promise<CountsRead> {
  if (!service) return { counts: null };
  try {
    return { counts: await service.getCounts(COUNTS_TIMEOUT_MS) };
  } catch {
    return { counts: null };
  }
}
