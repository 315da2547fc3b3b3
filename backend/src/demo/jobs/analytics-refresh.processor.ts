import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { RedisService } from '../../cache/index.js';
import { QueueProcessor, type JobHandler } from '../../queue/index.js';
import { simulateWork } from './simulated-work.js';

/** Recomputes analytics (simulated) and drops the cached `analytics:` entries. */
@Injectable()
@QueueProcessor('analytics-refresh')
export class AnalyticsRefreshProcessor implements JobHandler {
  constructor(private readonly redis: RedisService) {}

  async process(job: Job): Promise<{ refreshedAtMs: number; keysDropped: number }> {
    await simulateWork(job.data, 5);
    const keysDropped = await this.redis.deleteByPrefix('analytics:');
    return { refreshedAtMs: Date.now(), keysDropped };
  }
}
