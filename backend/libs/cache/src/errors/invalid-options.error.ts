import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/** The options given to `CacheModule.forRoot` are not usable. */
export class InvalidCacheOptionsError extends CacheError {
  readonly code = 'INVALID_OPTIONS' as const;

  constructor(
    readonly field: string,
    accepts: string,
  ) {
    super(CacheErrorMessages.invalidOptions(field, accepts));
  }
}
