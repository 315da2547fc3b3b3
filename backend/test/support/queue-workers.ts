import type { Worker } from 'bullmq';
import type { QueueName, QueueService } from '../../src/queue/index.js';
import { waitFor } from './wait-for.js';

/**
 * The worker of `name` once it has started (workers start after the queue Redis has been
 * reached and its INFO read), so that a test never listens on a worker that is not there yet.
 */
export function startedWorker(queues: QueueService, name: QueueName): Promise<Worker> {
  return waitFor(() => queues.getWorker(name), { what: `the ${name} worker to start` });
}
