/** Message texts for the module's typed errors, kept apart from the logic that raises them. */
export const CacheErrorMessages = {
  unavailable: (operation: string) =>
    `Redis is unavailable: ${operation} was not sent (circuit open or connection not ready)`,
  timeout: (operation: string, timeoutMs: number) =>
    `Redis did not answer ${operation} within ${timeoutMs} ms`,
  lateWrite: (operation: string) =>
    `Redis refused ${operation}: it arrived after its caller had given up`,
  notReady: (what: string, timeoutMs: number) => `${what} was not ready within ${timeoutMs} ms`,
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
  invalidationFailed: (what: string, retriedMs: number) =>
    `The cache invalidation ${what} could not reach Redis within ${retriedMs} ms; ` +
    'it is retried in the background and this process does not read the affected keys from Redis until it succeeds',
  uncacheableObservable: (method: string, emitted: 'none' | 'several') =>
    `${method} returned an Observable that ` +
    (emitted === 'none' ? 'completed without a value' : 'emitted more than one value') +
    '; a cache decorator accepts only Observables that emit one value and complete',
  pubSubLimit: (maxChannels: number) =>
    `Pub/sub refused a subscription: this process is subscribed to its limit of ${maxChannels} ` +
    'distinct channels (patterns.pubSubMaxChannels); unsubscribe from one, or raise the limit',
} as const;
