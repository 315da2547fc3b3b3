export { QueueModule } from './queue.module.js';
export { QueueService, type QueueCounts, type JobView } from './queue.service.js';
export { QueueProcessor, type JobHandler } from './queue-processor.decorator.js';
export { QUEUE_NAMES, isQueueName, type QueueName } from './queue.constants.js';
export type { QueueModuleOptions } from './queue-module.options.js';
export { WORKER_CONNECTION_OVERRIDES } from './queue-connections.js';
export * from './errors/index.js';
