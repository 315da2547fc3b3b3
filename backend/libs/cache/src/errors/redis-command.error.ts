import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/** Redis answered with an error (wrong type, NOPERM, OOM, a connection error…). */
export class RedisCommandError extends CacheError {
  readonly code = 'REDIS_COMMAND' as const;

  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      CacheErrorMessages.command(operation, cause instanceof Error ? cause.message : String(cause)),
      { cause },
    );
  }
}
