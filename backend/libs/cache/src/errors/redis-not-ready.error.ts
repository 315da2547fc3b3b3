import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/** `whenReady` gave up: the connection (or the memory tier's link) was not ready in time. */
export class RedisNotReadyError extends CacheError {
  readonly code = 'REDIS_NOT_READY' as const;

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(CacheErrorMessages.notReady(what, timeoutMs));
  }
}
