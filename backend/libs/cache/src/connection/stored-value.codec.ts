import type { Logger } from '@nestjs/common';
import type { ResolvedRedisServiceOptions } from './redis-service.options.js';
import type { CacheSerializer } from '../serialization/json.serializer.js';
import type { RedisCounters } from './redis-stats.js';

/**
 * How the key-value parts of `RedisService` store a value: the text the module's serializer
 * makes of it, and a time to live in milliseconds. A value that cannot be decoded is counted
 * and logged (its key only, never its content).
 */
export class StoredValueCodec {
  private readonly serializer: CacheSerializer;
  private readonly defaultTtlSeconds: number;

  constructor(
    options: Pick<ResolvedRedisServiceOptions, 'serializer' | 'defaultTtlSeconds'>,
    private readonly counters: RedisCounters,
    private readonly logger: Logger,
  ) {
    this.serializer = options.serializer;
    this.defaultTtlSeconds = options.defaultTtlSeconds;
  }

  /**
   * The text stored for `value`.
   *
   * @throws what the serializer throws for a value it cannot represent
   */
  encode(value: unknown): string {
    return this.serializer.serialize(value);
  }

  /**
   * Decodes the text stored at logical `key`. An undecodable value is treated as a miss
   * (`null`) and, when `discard` is given, deleted with it (not awaited).
   */
  decode<T>(key: string, text: string, discard?: (key: string) => Promise<unknown>): T | null {
    const decoded = this.serializer.deserialize<T>(text);
    if (decoded.ok) return decoded.value;
    this.counters.decodeErrors += 1;
    this.logger.warn(`get key=${JSON.stringify(key)}: stored value could not be decoded; deleted`);
    if (discard) void discard(key);
    return null;
  }

  /**
   * `ttlSeconds` (default: the module's default TTL) in whole milliseconds, at least 1.
   *
   * @throws RangeError when the TTL is not a positive finite number
   */
  ttlMs(ttlSeconds: number | undefined): number {
    const seconds = ttlSeconds ?? this.defaultTtlSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError('ttlSeconds must be a positive number');
    }
    return Math.max(1, Math.round(seconds * 1000));
  }
}
