import { InvalidCacheOptionsError } from '../errors/index.js';

/** Options of the patterns, given as `CacheModule.forRoot({ …, patterns: { … } })`. */
export interface PatternsOptions {
  /** Idle lifetime of a session, in seconds; each read slides it forward. Default 86,400 (1 day). */
  sessionTtlSeconds?: number;
  /**
   * Longest time one session operation waits for Redis before it throws
   * `SessionStoreUnavailableError`, in ms. Default the smaller of 200 and the command timeout,
   * so that a session route answers 503 well within 300 ms even when Redis hangs.
   */
  sessionTimeoutMs?: number;
  /**
   * Longest time a rate-limit decision waits for Redis before the fallback decides, in ms.
   * Default the smaller of 150 and the command timeout.
   */
  rateLimitDecisionTimeoutMs?: number;
  /**
   * Whether rate limits refuse requests when Redis cannot decide (503). Default `false`
   * (fail-open, with the per-process fallback limiter). A route's own option wins.
   */
  rateLimitFailClosed?: boolean;
  /** Most keys the per-process fallback limiter tracks at once. Default 10,000. */
  rateLimitFallbackMaxKeys?: number;
  /** Keys loaded at once by the cache warmer. Default 8. */
  warmConcurrency?: number;
  /**
   * Most distinct channels this process subscribes to at once through `PubSubService` (a count
   * of channels; further handlers on a channel already subscribed are not counted). A
   * subscription past it is refused with `PubSubLimitError`; unsubscribing frees a slot.
   * Default 1,000.
   */
  pubSubMaxChannels?: number;
}

/** Pattern options with every default applied. */
export type ResolvedPatternsOptions = Required<PatternsOptions>;

/** Applies defaults; throws `InvalidCacheOptionsError` naming the field. */
export function resolvePatternsOptions(
  options: PatternsOptions,
  commandTimeoutMs: number,
): ResolvedPatternsOptions {
  const resolved: ResolvedPatternsOptions = {
    sessionTtlSeconds: options.sessionTtlSeconds ?? 86_400,
    sessionTimeoutMs: options.sessionTimeoutMs ?? Math.min(200, commandTimeoutMs),
    rateLimitDecisionTimeoutMs:
      options.rateLimitDecisionTimeoutMs ?? Math.min(150, commandTimeoutMs),
    rateLimitFailClosed: options.rateLimitFailClosed ?? false,
    rateLimitFallbackMaxKeys: options.rateLimitFallbackMaxKeys ?? 10_000,
    warmConcurrency: options.warmConcurrency ?? 8,
    pubSubMaxChannels: options.pubSubMaxChannels ?? 1_000,
  };
  for (const field of [
    'sessionTtlSeconds',
    'sessionTimeoutMs',
    'rateLimitDecisionTimeoutMs',
    'rateLimitFallbackMaxKeys',
    'warmConcurrency',
    'pubSubMaxChannels',
  ] as const) {
    const value = resolved[field];
    if (!Number.isInteger(value) || value <= 0) {
      throw new InvalidCacheOptionsError(`patterns.${field}`, 'a positive whole number');
    }
  }
  return resolved;
}
