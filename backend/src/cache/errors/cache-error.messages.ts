/** Message texts for the module's typed errors, kept apart from the logic that raises them. */
export const CacheErrorMessages = {
  unavailable: (operation: string) =>
    `Redis is unavailable: ${operation} was not sent (circuit open or connection not ready)`,
  timeout: (operation: string, timeoutMs: number) =>
    `Redis did not answer ${operation} within ${timeoutMs} ms`,
  lateWrite: (operation: string) =>
    `Redis refused ${operation}: it arrived after its caller had given up`,
  command: (operation: string, reason: string) => `Redis rejected ${operation}: ${reason}`,
  invalidKey: (reason: string) => `Invalid cache key: ${reason}`,
  invalidOptions: (field: string, accepts: string) =>
    `Invalid cache module option ${field}: expected ${accepts}`,
  sessionStoreUnavailable: (operation: string) =>
    `The session store is unavailable: ${operation} could not reach Redis`,
  lockLost: (key: string) =>
    `The lock ${key} was lost before the work finished (expired, taken over, or not extendable)`,
  rateLimitUnavailable: (key: string) =>
    `The rate limiter could not reach Redis for ${key} and the route fails closed`,
} as const;
