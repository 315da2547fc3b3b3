import {
  createRedisClient,
  type RedisClient,
  type RedisConnectionOptions,
} from 'nestjs-coherent-cache';
import { resolveCacheModuleOptions } from '../../../libs/cache/src/cache-module.options.js';
import { encodeEntryBody, type EntryFormat } from '../../../libs/cache/src/caching/cache-entry.js';
import { CacheKeyspace } from '../../../libs/cache/src/caching/cache-keyspace.js';
import { KeyNamespace } from '../../../libs/cache/src/keys/key-namespace.js';
import { resolveCacheServiceOptions } from '../../../libs/cache/src/caching/cache-service.options.js';
import { newVersionToken } from '../../../libs/cache/src/caching/version-token.js';

/** Life the cache gives a tag version it creates (`TAG_VERSION_TTL_MS` of the entry store), in ms. */
const TAG_VERSION_TTL_MS = 86_400_000;

/**
 * Changes the cache's entry keys with a plain Redis client, as another program (a script,
 * `redis-cli`) would: no memory tier hears of it but through Redis.
 */
export interface RawEntryWriter {
  /** `DEL` or `UNLINK` (in turn) of the entry of `key`. */
  delete(key: string): Promise<void>;
  /**
   * `SET` of the entry of `key` to `value`, in the cache's entry format: a new key version, the
   * current version of each tag (created when missing, as the cache's write does), and the body
   * `encodeEntryBody` writes. It is not added to the tag sets: the tag versions alone make a
   * later `invalidateTags` hold (the entry becomes a miss, and memory tiers drop it).
   */
  set(key: string, value: unknown, tags: readonly string[], ttlSeconds: number): Promise<void>;
}

/** A {@link RawEntryWriter} on its own ioredis connection. */
export class RedisRawEntryWriter implements RawEntryWriter {
  private deletions = 0;

  private constructor(
    private readonly client: RedisClient,
    private readonly keyspace: CacheKeyspace,
    private readonly format: EntryFormat,
  ) {}

  /**
   * Connects a plain client to `connection` for the cache namespace `keyPrefix`, with the default
   * entry format (the caches of the run use the default `caching` options). It never resends a
   * command and has no command timeout: a command it reports as failed was applied before the
   * failure was seen or never (a timed-out command could be applied after the writer moved on).
   */
  static async connect(
    connection: RedisConnectionOptions,
    keyPrefix: string,
  ): Promise<RedisRawEntryWriter> {
    const options = { ...resolveCacheModuleOptions({ connection, keyPrefix }), connection };
    const client = createRedisClient(options, 'consistency-raw-writer', {
      commandTimeout: undefined,
    });
    client.on('error', () => undefined);
    await client.connect();
    const caching = resolveCacheServiceOptions({});
    return new RedisRawEntryWriter(client, new CacheKeyspace(new KeyNamespace(keyPrefix)), {
      codec: caching.codec,
      compressAboveBytes: caching.compressAboveBytes,
      maxValueBytes: caching.maxValueBytes,
    });
  }

  async delete(key: string): Promise<void> {
    const redisKey = this.keyspace.entry(key);
    this.deletions += 1;
    if (this.deletions % 2 === 0) await this.client.unlink(redisKey);
    else await this.client.del(redisKey);
  }

  async set(
    key: string,
    value: unknown,
    tags: readonly string[],
    ttlSeconds: number,
  ): Promise<void> {
    const uniqueTags = [...new Set(tags)];
    const versions = await Promise.all(uniqueTags.map((tag) => this.tagVersion(tag)));
    const nowMs = Date.now();
    const ttlMs = ttlSeconds * 1_000;
    const encoded = encodeEntryBody(
      {
        value,
        storedAtMs: nowMs,
        freshUntilMs: nowMs + ttlMs,
        staleUntilMs: nowMs + ttlMs,
        ...(uniqueTags.length > 0 ? { tags: uniqueTags } : {}),
      },
      this.format,
    );
    if (!encoded.ok) throw new Error(`raw SET: ${encoded.detail}`);
    const header = [newVersionToken(), ...versions].join('\t');
    await this.client.set(this.keyspace.entry(key), `${header}\n${encoded.body}`, 'PX', ttlMs);
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** The tag's current version, created as the cache creates it when missing. */
  private async tagVersion(tag: string): Promise<string> {
    const versionKey = this.keyspace.tagVersion(tag);
    const current = await this.client.get(versionKey);
    if (current !== null) return current;
    await this.client.set(versionKey, newVersionToken(), 'PX', TAG_VERSION_TTL_MS, 'NX');
    const created = await this.client.get(versionKey);
    if (created === null) throw new Error(`raw SET: the version of tag ${tag} vanished`);
    return created;
  }
}
