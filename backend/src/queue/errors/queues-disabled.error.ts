import { QueueErrorMessages } from './queue-error.messages.js';

/** A queue was read while queues are disabled (no queue Redis configured, or caching off). */
export class QueuesDisabledError extends Error {
  readonly code = 'QUEUES_DISABLED' as const;

  constructor(readonly queue: string) {
    super(QueueErrorMessages.disabled(queue));
    this.name = 'QueuesDisabledError';
  }
}
