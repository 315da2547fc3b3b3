/** Time-to-live presets, in seconds. */
export const CACHE_TTL = {
  /** 60 s: frequently changing data (credits, counters). */
  SHORT: 60,
  /** 300 s: relatively stable data (definitions, API responses). */
  MEDIUM: 300,
  /** 3,600 s: rarely changing data (configuration, profiles). */
  LONG: 3600,
  /** 86,400 s: very stable data (feature flags). */
  DAY: 86400,
} as const;

/** One of the preset TTLs, in seconds. */
export type CacheTtlSeconds = (typeof CACHE_TTL)[keyof typeof CACHE_TTL];
