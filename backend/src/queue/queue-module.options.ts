import type { RedisConnectionOptions } from 'nestjs-coherent-cache';

/** Options of `QueueModule.forRoot` / `forRootAsync`. */
export interface QueueModuleOptions {
  /**
   * A separate Redis for the queues (`QUEUE_REDIS_URL`). Omitted: producers share the cache's
   * connection (`RedisService.getClient()`), and workers connect to the same server.
   */
  connection?: RedisConnectionOptions;
  /** Upper bound of `QueueService.add`, in milliseconds. Default 1,000. */
  addTimeoutMs?: number;
  /** How long a worker's lock on an active job lasts, in milliseconds; a job whose worker died
   * runs again after about this long. Default 30,000. */
  lockDurationMs?: number;
  /** How long shutdown waits for active jobs before closing workers by force, in ms. Default 10,000. */
  workerCloseTimeoutMs?: number;
  /** Whether this process runs workers (default `true`); producers always run. */
  workersEnabled?: boolean;
  /** Concurrency of each worker. Default 5. */
  concurrency?: number;
}

/** Options with every default applied. */
export type ResolvedQueueModuleOptions = Required<Omit<QueueModuleOptions, 'connection'>> &
  Pick<QueueModuleOptions, 'connection'>;

/** Applies the defaults. */
export function resolveQueueModuleOptions(options: QueueModuleOptions): ResolvedQueueModuleOptions {
  return {
    connection: options.connection,
    addTimeoutMs: options.addTimeoutMs ?? 1_000,
    lockDurationMs: options.lockDurationMs ?? 30_000,
    workerCloseTimeoutMs: options.workerCloseTimeoutMs ?? 10_000,
    workersEnabled: options.workersEnabled ?? true,
    concurrency: options.concurrency ?? 5,
  };
}
