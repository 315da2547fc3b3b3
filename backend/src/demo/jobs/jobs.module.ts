import { Module } from '@nestjs/common';
import { AnalyticsRefreshProcessor } from './analytics-refresh.processor.js';
import { JobsController } from './jobs.controller.js';
import { PostPublishingProcessor } from './post-publishing.processor.js';
import { WebhookProcessingProcessor } from './webhook-processing.processor.js';

/** The reference backend's jobs: one processor per queue, and the routes to enqueue and inspect. */
@Module({
  controllers: [JobsController],
  providers: [PostPublishingProcessor, WebhookProcessingProcessor, AnalyticsRefreshProcessor],
})
export class JobsModule {}
