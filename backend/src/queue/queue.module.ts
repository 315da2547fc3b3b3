import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurableQueueModule } from './queue.module-definition.js';
import { QueueProcessorExplorer } from './queue-processor.explorer.js';
import { QueueService } from './queue.service.js';

/**
 * BullMQ queues on the cache's Redis connection (or `QUEUE_REDIS_URL`), with a worker for every
 * provider marked `@QueueProcessor(name)`. `QueueModule.forRoot({ … })` or `forRootAsync`.
 * Global: import it once, in the root module. BullMQ's keys live in the cache module's namespace:
 * `<keyPrefix>:bull:<queue>:…`, in a Cluster `{<keyPrefix>:bull}:<queue>:…`.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [QueueService, QueueProcessorExplorer],
  exports: [QueueService],
})
export class QueueModule extends ConfigurableQueueModule {}
