import { QueueErrorMessages } from './queue-error.messages.js';

/**
 * `QueueService.add` could not add the job in time. The job is guaranteed not to run later:
 * if the add reaches Redis after the caller gave up, the job is cancelled before it runs.
 */
export class JobNotEnqueuedError extends Error {
  readonly code = 'JOB_NOT_ENQUEUED' as const;

  constructor(
    readonly queue: string,
    reason: string,
    /** The id the job would have had (`undefined` when no add was attempted). */
    readonly jobId?: string,
    options?: { cause?: unknown },
  ) {
    super(QueueErrorMessages.notEnqueued(queue, reason), options);
    this.name = 'JobNotEnqueuedError';
  }
}
