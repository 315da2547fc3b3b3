import { CacheError } from './cache.error.js';
import { CacheErrorMessages } from './cache-error.messages.js';

/**
 * `PubSubService.subscribe` refused a channel: this process is already subscribed to
 * `maxChannels` distinct channels (`patterns.pubSubMaxChannels`). Unsubscribing from a channel
 * frees its slot; a further handler on a channel already subscribed is always accepted.
 */
export class PubSubLimitError extends CacheError {
  readonly code = 'PUBSUB_LIMIT' as const;

  constructor(
    /** The cap that was reached (`patterns.pubSubMaxChannels`). */
    readonly maxChannels: number,
  ) {
    super(CacheErrorMessages.pubSubLimit(maxChannels));
  }
}
