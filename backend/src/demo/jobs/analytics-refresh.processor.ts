import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CacheService } from 'nestjs-coherent-cache';
import { QueueProcessor, type JobHandler } from '../../queue/index.js';
import { simulateWork } from './simulated-work.js';

/** Recomputes analytics (simulated) and drops the cached `analytics:` entries. */
@Injectable()
@QueueProcessor('analytics-refresh')
export class AnalyticsRefreshProcessor implements JobHandler {
  constructor(private readonly cache: CacheService) {}

  async process(job: Job): Promise<{ refreshedAtMs: number; keysDropped: number }> {
    await simulateWork(job.data, 5);
    // Rejects when Redis cannot be reached: the job then fails and is retried.
    const keysDropped = await this.cache.deleteByPrefix('analytics:');
    return { refreshedAtMs: Date.now(), keysDropped };
  }
}
