import type { RedisService } from '../../connection/redis.service.js';
import { CACHE_SUBSPACE } from '../../keys/key-namespace.js';

/**
 * A change this module announces on its own invalidation channel, for memory tiers that do not
 * hear of changes from Redis's tracking: entry or tag-version keys, every cache key under a
 * prefix, or everything.
 */
export type Announcement =
  | { kind: 'keys'; redisKeys: readonly string[] }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'all' };

/** The wire form: a JSON array of Redis keys, `{"prefix": <cache key prefix>}`, or `*`. */
export function formatAnnouncement(announcement: Announcement): string {
  switch (announcement.kind) {
    case 'keys':
      return JSON.stringify(announcement.redisKeys);
    case 'prefix':
      return JSON.stringify({ prefix: announcement.prefix });
    case 'all':
      return '*';
  }
}

/** Reads an announcement; anything else (not one of ours) is taken as everything, to be safe. */
export function parseAnnouncement(text: string): Announcement {
  if (text === '*') return { kind: 'all' };
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) {
      return { kind: 'keys', redisKeys: parsed };
    }
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'prefix' in parsed &&
      typeof parsed.prefix === 'string'
    ) {
      return { kind: 'prefix', prefix: parsed.prefix };
    }
  } catch {
    // Falls through to everything.
  }
  return { kind: 'all' };
}

/**
 * Publishes {@link Announcement}s on the module's invalidation channel
 * (`<namespace>:cache:invalidations`), bounded in time.
 */
export class InvalidationAnnouncer {
  /** The channel every process of this namespace announces on and listens to. */
  readonly channel: string;

  constructor(private readonly redis: RedisService) {
    this.channel = redis.namespace.toRedisKey(`${CACHE_SUBSPACE}invalidations`);
  }

  /** @throws a `CacheError` when Redis is unavailable or does not answer in time */
  async publish(announcement: Announcement): Promise<void> {
    const payload = formatAnnouncement(announcement);
    await this.redis.execute({ operation: 'cache.announce' }, (c) =>
      c.publish(this.channel, payload),
    );
  }
}
