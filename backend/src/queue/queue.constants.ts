/**
 * The queues of the reference backend (keys `<keyPrefix>:bull:<name>:*`, in a Cluster
 * `{<keyPrefix>:bull}:<name>:*`).
 */
export const QUEUE_NAMES = ['post-publishing', 'webhook-processing', 'analytics-refresh'] as const;

/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Injection token of the queue module's options. */
export const QUEUE_MODULE_OPTIONS = 'QUEUE:MODULE_OPTIONS';

/** Metadata key set by `@QueueProcessor`. */
export const QUEUE_PROCESSOR_METADATA = 'QUEUE:PROCESSOR';

/** `true` when `name` is one of {@link QUEUE_NAMES}. */
export function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}
