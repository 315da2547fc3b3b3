import { InvalidKeyError } from '../errors/index.js';
import { escapeGlob } from './glob.js';
import { KEY_SEPARATOR, shortenKey } from './key-encoding.js';

/**
 * The module's own key namespace. Every key the module writes starts with `<prefix>:`, so the
 * module can list and clear its own keys without touching anything else on a shared Redis.
 *
 * The prefix is applied here rather than through ioredis `keyPrefix`, which BullMQ refuses and
 * which does not apply to SCAN patterns.
 */
export class KeyNamespace {
  private readonly head: string;

  /** @param prefix e.g. `shop:prod`; must be non-empty. */
  constructor(readonly prefix: string) {
    if (prefix.length === 0) throw new InvalidKeyError('the namespace prefix must not be empty');
    this.head = `${prefix}${KEY_SEPARATOR}`;
  }

  /** The Redis key for a logical key: namespaced, and shortened when too long. */
  toRedisKey(key: string): string {
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidKeyError('a key must be a non-empty string');
    }
    return shortenKey(this.head + key);
  }

  /** The logical key back from a Redis key of this namespace (shortened keys stay shortened). */
  fromRedisKey(redisKey: string): string {
    return redisKey.startsWith(this.head) ? redisKey.slice(this.head.length) : redisKey;
  }

  /** A SCAN MATCH pattern for every key of this namespace that starts with `keyPrefix`. */
  matchPattern(keyPrefix = ''): string {
    return `${escapeGlob(this.head + keyPrefix)}*`;
  }
}
