export { JobNotEnqueuedError } from './job-not-enqueued.error.js';
export { QueuesDisabledError } from './queues-disabled.error.js';
export { UnknownQueueError } from './unknown-queue.error.js';
export { QueueErrorMessages } from './queue-error.messages.js';
