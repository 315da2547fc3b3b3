import { ConfigurableModuleBuilder } from '@nestjs/common';
import { QUEUE_MODULE_OPTIONS } from './queue.constants.js';
import type { QueueModuleOptions } from './queue-module.options.js';

/** Builds `forRoot` / `forRootAsync` for `QueueModule`. */
export const { ConfigurableModuleClass: ConfigurableQueueModule } =
  new ConfigurableModuleBuilder<QueueModuleOptions>({
    optionsInjectionToken: QUEUE_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .build();
