import { InvalidKeyError } from '../errors/index.js';
import { escapeGlob } from './glob.js';
import { KEY_SEPARATOR, shortenKey } from './key-encoding.js';

/**
 * Logical-key prefix reserved for the cache (entries and their bookkeeping). The raw key-value
 * API refuses keys that start with it, so that no other data can land among cache entries.
 */
export const CACHE_SUBSPACE = 'cache:';

/** Logical-key prefix of BullMQ's keys (queues take their prefix from the module's namespace). */
export const QUEUE_SUBSPACE = 'bull:';

/** What the raw key-value API may not write, and who owns it. */
const RESERVED_SUBSPACES: readonly (readonly [string, string])[] = [
  [CACHE_SUBSPACE, 'cache entries (use CacheService)'],
  [QUEUE_SUBSPACE, 'BullMQ queues'],
];

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

  /**
   * The Redis key for a key of the raw key-value API: like {@link KeyNamespace.toRedisKey}, but a
   * key inside a reserved subspace (`cache:` for the cache, `bull:` for the queues) is refused.
   *
   * @throws InvalidKeyError
   */
  toDataKey(key: string): string {
    for (const [subspace, owner] of RESERVED_SUBSPACES) {
      if (typeof key === 'string' && key.startsWith(subspace)) {
        throw new InvalidKeyError(`keys starting with "${subspace}" are reserved for ${owner}`);
      }
    }
    return this.toRedisKey(key);
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
