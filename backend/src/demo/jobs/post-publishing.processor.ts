import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueProcessor, type JobHandler } from '../../queue/index.js';
import { simulateWork } from './simulated-work.js';

/** Publishes a scheduled post (simulated), then drops the cached feed so readers see it. */
@Injectable()
@QueueProcessor('post-publishing')
export class PostPublishingProcessor implements JobHandler {
  async process(job: Job): Promise<{ publishedAtMs: number; workMs: number; workerPid: number }> {
    const workMs = await simulateWork(job.data, 5);
    return { publishedAtMs: Date.now(), workMs, workerPid: process.pid };
  }
}
