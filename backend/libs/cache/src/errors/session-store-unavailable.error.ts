import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * A session could not be read or written because Redis did not answer (down, hung, breaker
 * open). The HTTP layer answers 503: a session route must neither hang nor silently start a new
 * session. The Redis error is the `cause`.
 */
export class SessionStoreUnavailableError extends CacheError {
  readonly code = 'SESSION_STORE_UNAVAILABLE' as const;

  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(CacheErrorMessages.sessionStoreUnavailable(operation), { cause });
  }
}
