import type { KeyNamespace } from '../keys/key-namespace.js';
import type { CallDescription } from './bounded-executor.js';
import type { RedisCallGate } from './redis-call-gate.js';
import type { RedisConnection } from './redis-connection.js';
import { groupByKeySlot } from './slot-groups.js';
import type { StoredValueCodec } from './stored-value.codec.js';

/**
 * The key-value part of `RedisService`: commands on one logical key (values, counters,
 * hashes), plus `del`. Every method goes through the call gate and never throws because Redis
 * failed: a read that cannot reach Redis is a miss, a write is dropped.
 */
export class RedisKeyValue {
  constructor(
    private readonly gate: RedisCallGate,
    private readonly connection: RedisConnection,
    private readonly namespace: KeyNamespace,
    private readonly codec: StoredValueCodec,
  ) {}

  // ---- values ---------------------------------------------------------------------------------

  /** The value at `key`, or `null` on a miss, an undecodable value (then deleted) or a failure. */
  async get<T>(key: string): Promise<T | null> {
    const redisKey = this.namespace.toDataKey(key);
    const text = await this.gate.tryExecute({ operation: 'get', key }, (c) => c.get(redisKey));
    if (text === null || text === undefined) {
      this.gate.counters.misses += 1;
      return null;
    }
    const decoded = this.codec.decode<T>(key, text, (k) => this.del(k));
    if (decoded === null) this.gate.counters.misses += 1;
    else this.gate.counters.hits += 1;
    return decoded;
  }

  /**
   * Stores `value` under `key` for `ttlSeconds` (default: the module's default TTL).
   * Returns `false` when the write was dropped (Redis unavailable, timeout, late).
   */
  async set<T>(key: string, value: T, ttlSeconds?: number): Promise<boolean> {
    const redisKey = this.namespace.toDataKey(key);
    const ttlMs = this.codec.ttlMs(ttlSeconds);
    const text = this.codec.encode(value);
    return this.write({ operation: 'set', key }, [redisKey], 'SET', [redisKey, text, 'PX', ttlMs]);
  }

  /** Deletes keys; returns how many existed (0 on failure). */
  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const redisKeys = keys.map((k) => this.namespace.toDataKey(k));
    const call = { operation: 'del', key: keys[0] as string };
    const groups = groupByKeySlot(this.connection.getClient(), redisKeys, (k) => k, 'slot');
    const counts = await Promise.all(
      groups.map((group) =>
        this.gate.tryExecute(call, (c) => c.unlink(...group)).then((n) => n ?? 0),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Whether `key` exists (`false` on failure). */
  async exists(key: string): Promise<boolean> {
    const redisKey = this.namespace.toDataKey(key);
    const found = await this.gate.tryExecute({ operation: 'exists', key }, (c) =>
      c.exists(redisKey),
    );
    return found === 1;
  }

  /**
   * Remaining time to live of `key`, in seconds: `-1` when it has no expiry, `-2` when it does
   * not exist or Redis could not be asked.
   */
  async ttl(key: string): Promise<number> {
    const redisKey = this.namespace.toDataKey(key);
    return (await this.gate.tryExecute({ operation: 'ttl', key }, (c) => c.ttl(redisKey))) ?? -2;
  }

  /** Sets the time to live of `key`, in seconds. Returns `false` when the key is missing or on failure. */
  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const redisKey = this.namespace.toDataKey(key);
    const seconds = Math.ceil(this.codec.ttlMs(ttlSeconds) / 1000);
    const call = { operation: 'expire', key };
    const result = await this.gate.tryExecuteWrite(call, [redisKey], 'EXPIRE', [redisKey, seconds]);
    return result === 1;
  }

  /** Atomically adds 1. Returns the new value, or `null` on failure. */
  incr(key: string, ttlSeconds?: number): Promise<number | null> {
    return this.incrBy(key, 1, ttlSeconds);
  }

  /** Atomically subtracts 1. Returns the new value, or `null` on failure. */
  decr(key: string, ttlSeconds?: number): Promise<number | null> {
    return this.incrBy(key, -1, ttlSeconds);
  }

  /** Atomically subtracts `amount`. Returns the new value, or `null` on failure. */
  decrBy(key: string, amount: number, ttlSeconds?: number): Promise<number | null> {
    return this.incrBy(key, -amount, ttlSeconds);
  }

  /**
   * Atomically adds `amount` (a whole number). When `ttlSeconds` is given and the key had no
   * expiry, the expiry is set in the same step. Returns the new value, or `null` on failure.
   */
  async incrBy(key: string, amount: number, ttlSeconds?: number): Promise<number | null> {
    if (!Number.isSafeInteger(amount)) throw new TypeError('amount must be a safe whole number');
    const redisKey = this.namespace.toDataKey(key);
    const call = { operation: 'incrBy', key };
    if (ttlSeconds === undefined) {
      const result = await this.gate.tryExecuteWrite(call, [redisKey], 'INCRBY', [
        redisKey,
        amount,
      ]);
      return typeof result === 'number' ? result : null;
    }
    const ttlMs = this.codec.ttlMs(ttlSeconds);
    try {
      return await this.gate.execute(call, async (client) => {
        const [[incrError, value] = [null, null], [expireError] = [null]] =
          (await client.multi().incrby(redisKey, amount).pexpire(redisKey, ttlMs, 'NX').exec()) ??
          [];
        if (incrError) throw incrError;
        if (expireError) throw expireError;
        return Number(value);
      });
    } catch {
      return null;
    }
  }

  // ---- hashes ---------------------------------------------------------------------------------

  /** One field of a hash, or `null`. */
  async hget<T>(key: string, field: string): Promise<T | null> {
    const redisKey = this.namespace.toDataKey(key);
    const call = { operation: 'hget', key };
    const text = await this.gate.tryExecute(call, (c) => c.hget(redisKey, field));
    if (text === null || text === undefined) return null;
    return this.codec.decode<T>(key, text, (k) => this.del(k));
  }

  /**
   * Sets fields of a hash. `ttlSeconds`, when given, sets the hash's expiry.
   * Returns `false` when the write was dropped.
   */
  async hset<T>(key: string, fields: Record<string, T>, ttlSeconds?: number): Promise<boolean> {
    const redisKey = this.namespace.toDataKey(key);
    const args: (string | number)[] = [redisKey];
    for (const [field, value] of Object.entries(fields)) {
      args.push(field, this.codec.encode(value));
    }
    if (args.length === 1) return true;
    const stored = await this.write({ operation: 'hset', key }, [redisKey], 'HSET', args);
    if (stored && ttlSeconds !== undefined) return this.expire(key, ttlSeconds);
    return stored;
  }

  /** Every field of a hash, decoded; `{}` when missing or on failure. */
  async hgetall<T>(key: string): Promise<Record<string, T>> {
    const redisKey = this.namespace.toDataKey(key);
    const call = { operation: 'hgetall', key };
    const raw = (await this.gate.tryExecute(call, (c) => c.hgetall(redisKey))) ?? {};
    const result: Record<string, T> = {};
    for (const [field, text] of Object.entries(raw)) {
      const decoded = this.codec.decode<T>(key, text);
      if (decoded !== null) result[field] = decoded;
    }
    return result;
  }

  /** A write whose failure is dropped: `false` when it did not happen. */
  private async write(
    call: CallDescription,
    redisKeys: readonly string[],
    command: string,
    args: readonly (string | number)[],
  ): Promise<boolean> {
    return (await this.gate.tryExecuteWrite(call, redisKeys, command, args)) !== null;
  }
}
