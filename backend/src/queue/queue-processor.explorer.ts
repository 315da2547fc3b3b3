import { Injectable } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { QUEUE_PROCESSOR_METADATA, type QueueName } from './queue.constants.js';
import type { JobHandler } from './queue-processor.decorator.js';

function isJobHandler(value: unknown): value is JobHandler {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { process?: unknown }).process === 'function'
  );
}

/** Finds the providers marked with `@QueueProcessor`. */
@Injectable()
export class QueueProcessorExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  /** Every processor, by queue name. Two processors for one queue is a startup error. */
  explore(): Map<QueueName, JobHandler> {
    const handlers = new Map<QueueName, JobHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const metatype = wrapper.metatype;
      if (!metatype || !isJobHandler(instance)) continue;
      const queue = this.reflector.get<QueueName | undefined>(QUEUE_PROCESSOR_METADATA, metatype);
      if (queue === undefined) continue;
      if (handlers.has(queue)) throw new Error(`two processors are declared for queue ${queue}`);
      handlers.set(queue, instance);
    }
    return handlers;
  }
}
