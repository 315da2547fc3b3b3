import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueProcessor, type JobHandler } from '../../queue/index.js';
import { simulateWork } from './simulated-work.js';

/** Handles an incoming webhook delivery (simulated). */
@Injectable()
@QueueProcessor('webhook-processing')
export class WebhookProcessingProcessor implements JobHandler {
  async process(job: Job): Promise<{ handledAtMs: number; workMs: number }> {
    const workMs = await simulateWork(job.data, 5);
    return { handledAtMs: Date.now(), workMs };
  }
}
