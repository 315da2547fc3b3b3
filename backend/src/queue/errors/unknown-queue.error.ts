import { QueueErrorMessages } from './queue-error.messages.js';

/** A queue name that is not one of `QUEUE_NAMES`. */
export class UnknownQueueError extends Error {
  readonly code = 'UNKNOWN_QUEUE' as const;

  constructor(readonly queue: string) {
    super(QueueErrorMessages.unknownQueue(queue));
    this.name = 'UnknownQueueError';
  }
}
