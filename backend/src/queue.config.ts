import type { AppConfig } from './config/index.js';
import type { QueueModuleOptions } from './queue/index.js';

/** Maps the application's configuration to the queue module's options. */
export function queueModuleOptions(config: AppConfig): QueueModuleOptions {
  const options: QueueModuleOptions = { lockDurationMs: config.queue.lockDurationMs };
  if (config.queue.connection) options.connection = config.queue.connection;
  return options;
}
