import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QUEUE_PROCESSOR_METADATA, type QueueName } from './queue.constants.js';

/** A provider that processes the jobs of one queue. */
export interface JobHandler {
  /** Runs one job; its return value becomes the job's result. Throwing fails the attempt. */
  process(job: Job): Promise<unknown>;
}

/** Marks a provider (implementing {@link JobHandler}) as the processor of `queue`. */
export const QueueProcessor = (queue: QueueName) => SetMetadata(QUEUE_PROCESSOR_METADATA, queue);
