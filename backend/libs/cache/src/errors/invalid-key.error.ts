import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/** A key or key part cannot be used (empty, or not a string or number). */
export class InvalidKeyError extends CacheError {
  readonly code = 'INVALID_KEY' as const;

  constructor(reason: string) {
    super(CacheErrorMessages.invalidKey(reason));
  }
}
