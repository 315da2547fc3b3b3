/** Metadata key of `@RateLimit` options. */
export const RATE_LIMIT_METADATA = 'CACHE:RATE_LIMIT';
