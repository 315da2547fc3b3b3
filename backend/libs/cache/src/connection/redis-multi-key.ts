import type { KeyNamespace } from '../keys/key-namespace.js';
import { guardedWriteInPipeline } from './late-write.script.js';
import type { RedisCallGate } from './redis-call-gate.js';
import type { RedisClient } from './redis-client.factory.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisKeyValue } from './redis-key-value.js';
import { groupByKeySlot } from './slot-groups.js';
import type { StoredValueCodec } from './stored-value.codec.js';

/** Keys written per pipeline by `mset`. */
const MSET_CHUNK_SIZE = 200;

/**
 * The several-keys part of `RedisService`: `mget` and `mset`, split by Cluster slot or node so
 * that each command or pipeline reaches one server. Never throws because Redis failed.
 */
export class RedisMultiKey {
  constructor(
    private readonly gate: RedisCallGate,
    private readonly connection: RedisConnection,
    private readonly namespace: KeyNamespace,
    private readonly codec: StoredValueCodec,
    private readonly keyValue: RedisKeyValue,
  ) {}

  /** Values of several keys, in order; `null` for each miss (all `null` on failure). */
  async mget<T>(keys: readonly string[]): Promise<(T | null)[]> {
    if (keys.length === 0) return [];
    const redisKeys = keys.map((k) => this.namespace.toDataKey(k));
    const texts = new Map<string, string | null>();
    const groups = groupByKeySlot(this.connection.getClient(), redisKeys, (k) => k, 'slot');
    await Promise.all(
      groups.map(async (group) => {
        const values: (string | null)[] | null = await this.gate.tryExecute(
          { operation: 'mget', key: keys[0] },
          (c) => c.mget(...group),
        );
        group.forEach((k, i) => texts.set(k, values?.[i] ?? null));
      }),
    );
    return keys.map((key, i) => {
      const text = texts.get(redisKeys[i] ?? '') ?? null;
      const decoded =
        text === null ? null : this.codec.decode<T>(key, text, (k) => this.keyValue.del(k));
      if (decoded === null) this.gate.counters.misses += 1;
      else this.gate.counters.hits += 1;
      return decoded;
    });
  }

  /**
   * Stores several values with one TTL (seconds; default the module's). Returns `false` when any
   * part of the write was dropped.
   */
  async mset<T>(
    entries: Record<string, T> | readonly [string, T][],
    ttlSeconds?: number,
  ): Promise<boolean> {
    const pairs: readonly (readonly [string, T])[] = Array.isArray(entries)
      ? (entries as readonly [string, T][])
      : Object.entries(entries as Record<string, T>);
    if (pairs.length === 0) return true;
    const ttlMs = this.codec.ttlMs(ttlSeconds);
    const byKey = new Map<string, string>();
    for (const [key, value] of pairs) {
      byKey.set(this.namespace.toDataKey(key), this.codec.encode(value));
    }
    const call = { operation: 'mset', key: pairs[0]?.[0] ?? '' };
    // MSET has no expiry, so each key gets its own SET … PX, pipelined in chunks. Chunks go one
    // after the other so that each one, not the whole batch, has to fit in the command timeout.
    // In a Cluster a pipeline holds the keys of one node only (ioredis refuses the others).
    const client = this.connection.getClient();
    const groups = groupByKeySlot(client, [...byKey], ([redisKey]) => redisKey, 'node');
    for (const part of groups.flatMap((group) => chunk(group, MSET_CHUNK_SIZE))) {
      try {
        await this.gate.execute(call, (c) => this.pipelineSet(c, part, ttlMs));
      } catch {
        return false;
      }
    }
    return true;
  }

  private async pipelineSet(
    client: RedisClient,
    entries: [string, string][],
    ttlMs: number,
  ): Promise<boolean> {
    const pipeline = client.pipeline();
    const deadlineMs = this.gate.writeDeadlineMs();
    for (const [redisKey, text] of entries) {
      if (this.connection.settings.lateWriteGuard) {
        guardedWriteInPipeline(pipeline, [redisKey], deadlineMs, 'SET', [
          redisKey,
          text,
          'PX',
          ttlMs,
        ]);
      } else {
        pipeline.set(redisKey, text, 'PX', ttlMs);
      }
    }
    const replies = (await pipeline.exec()) ?? [];
    const failure = replies.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
    return true;
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
