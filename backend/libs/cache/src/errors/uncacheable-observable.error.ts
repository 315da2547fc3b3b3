import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * A method under `@Cacheable`, `@CacheEvict` or `@CachePut` returned an Observable that did not
 * emit exactly one value before completing: several values (a stream) have no single result to
 * cache, and none has nothing to cache. The Observable the caller holds errors with this; nothing
 * is stored.
 */
export class UncacheableObservableError extends CacheError {
  readonly code = 'UNCACHEABLE_OBSERVABLE' as const;

  constructor(
    /** `Class.method`. */
    readonly method: string,
    /** What the Observable emitted before completing or being stopped. */
    readonly emitted: 'none' | 'several',
  ) {
    super(CacheErrorMessages.uncacheableObservable(method, emitted));
  }
}
