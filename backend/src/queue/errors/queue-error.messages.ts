/** Message texts of the queue module's errors. */
export const QueueErrorMessages = {
  notEnqueued: (queue: string, reason: string) =>
    `job was not added to queue ${queue}: ${reason}; it will not run later`,
  disabled: (queue: string) =>
    `queue ${queue} cannot be read: queues are disabled (no queue Redis is configured)`,
  unknownQueue: (queue: string) => `there is no queue named ${queue}`,
} as const;
