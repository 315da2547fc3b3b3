import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import {
  resolveCacheModuleOptions,
  type CacheModuleOptions,
  type ResolvedCacheModuleOptions,
} from '../cache-module.options.js';
import { KeyNamespace } from '../keys/key-namespace.js';
import type { CacheSerializer } from '../serialization/json.serializer.js';
import {
  BoundedExecutor,
  type CallDescription,
  type RedisCallObserver,
} from './bounded-executor.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { describeConnectionError } from './connection-error.js';
import { scanStep, scanTargets, unlinkOnNode } from './key-scanner.js';
import { defineGuardedWrite, guardedWrite, guardedWriteInPipeline } from './late-write.script.js';
import { createRedisClient, type RedisClient } from './redis-client.factory.js';
import type { RedisConnectionMode } from './redis-connection.options.js';
import { RedisCounters, type RedisStats } from './redis-stats.js';
import { groupByKeySlot } from './slot-groups.js';

/** The answer of `RedisService.healthCheck()`. */
export interface RedisHealth {
  healthy: boolean;
  /** Round-trip time of the PING, in milliseconds (measured even when it failed). */
  latencyMs: number;
  error?: string;
}

/** Something that must be closed before the Redis connection quits (queues, subscribers). */
export type ShutdownHook = () => Promise<void>;

/**
 * Owns the Redis connection and its lifecycle, the key namespace and the serializer.
 *
 * Every method is bounded by the command timeout and never throws because Redis failed: a read
 * that cannot reach Redis is a miss (`null`), a write is dropped (`false`). Callers that must
 * know about a failure use {@link RedisService.execute}, which throws typed errors.
 *
 * Keys are logical keys: the service adds the module's namespace (`<keyPrefix>:`).
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RedisService');
  private readonly options: ResolvedCacheModuleOptions;
  private readonly client: RedisClient | null;
  private readonly breaker: CircuitBreaker;
  private readonly counters = new RedisCounters();
  private readonly executor: BoundedExecutor;
  private readonly serializer: CacheSerializer;
  private readonly shutdownHooks: { name: string; close: ShutdownHook }[] = [];
  private readonly connectionLog: RateLimitedLogger;
  private clockOffsetMs = 0;
  private closing = false;

  /** The module's key namespace. */
  readonly namespace: KeyNamespace;

  constructor(@Inject(CACHE_MODULE_OPTIONS) options: CacheModuleOptions) {
    this.options = resolveCacheModuleOptions(options);
    this.namespace = new KeyNamespace(this.options.keyPrefix);
    this.serializer = this.options.serializer;
    this.connectionLog = new RateLimitedLogger(this.logger, this.options.logIntervalMs);
    this.client = this.options.enabled
      ? createRedisClient(this.options, `${this.options.keyPrefix}:cache`)
      : null;
    this.breaker = new CircuitBreaker(
      this.options.breakerFailureThreshold,
      this.options.breakerProbeIntervalMs,
      () => this.probe(),
      (state) => this.logger.log(`circuit breaker ${state}`),
    );
    this.executor = new BoundedExecutor(
      this.client,
      this.breaker,
      this.counters,
      this.options.commandTimeoutMs,
      this.logger,
      this.options.logIntervalMs,
    );
    if (this.client) this.watch(this.client);
  }

  /** Starts connecting in the background: the application never waits for Redis to boot. */
  onModuleInit(): void {
    if (!this.client) {
      this.logger.log('caching is disabled: no Redis connection is made');
      return;
    }
    this.client.connect().catch(() => {
      // Reconnection continues in the background; failures are counted and logged by events.
    });
  }

  /**
   * Runs the registered shutdown hooks (queues, subscribers), then quits the connection.
   * Called by Nest after the HTTP server has stopped accepting requests.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const hook of this.shutdownHooks.reverse()) {
      try {
        await hook.close();
      } catch (error) {
        this.logger.warn(`shutdown of ${hook.name} failed: ${(error as Error).message}`);
      }
    }
    this.breaker.dispose();
    if (!this.client) return;
    await quitWithin(this.client, this.options.commandTimeoutMs * 3);
  }

  /** Registers a close function that runs before the connection quits (last registered, first run). */
  onShutdown(name: string, close: ShutdownHook): void {
    this.shutdownHooks.push({ name, close });
  }

  // ---- connection ---------------------------------------------------------------------------

  /**
   * The raw ioredis client (a `Redis` or a `Cluster`), for BullMQ and for commands the service
   * does not wrap. Calls made on it are not bounded by the service. `null` when disabled.
   */
  getClient(): RedisClient | null {
    return this.client;
  }

  /**
   * Opens a new, unconnected client to the same Redis with the same credentials, for work that
   * must not share the command connection (a pub/sub subscriber, a BullMQ worker's blocking
   * connection). `overrides` replace the fail-fast defaults. The caller owns it: it calls
   * `connect()` and closes it (register the close with {@link RedisService.onShutdown}).
   * `null` when caching is disabled.
   */
  createClient(purpose: string, overrides: RedisOptions = {}): RedisClient | null {
    if (!this.options.enabled) return null;
    return createRedisClient(this.options, `${this.options.keyPrefix}:${purpose}`, overrides);
  }

  /** The connection mode from the options. */
  get mode(): RedisConnectionMode {
    return this.options.connection.mode;
  }

  /** The resolved options (defaults applied). */
  get settings(): Readonly<ResolvedCacheModuleOptions> {
    return this.options;
  }

  /** `true` when calls are being sent to Redis now (connected and breaker closed). */
  get isAvailable(): boolean {
    return this.executor.available;
  }

  /**
   * Runs `fn` on the raw client, bounded by the command timeout and guarded by the breaker.
   * Use it for commands the service does not wrap, when the caller must know about failures.
   *
   * @throws RedisUnavailableError, RedisTimeoutError, RedisLateWriteError, RedisCommandError
   */
  execute<T>(call: CallDescription, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.executor.execute(call, fn);
  }

  /**
   * Runs a write command whose arguments are already Redis keys, guarded so that it is refused
   * if it reaches Redis after the caller gave up (when `lateWriteGuard` is on).
   *
   * @throws the same errors as {@link RedisService.execute}
   */
  executeWrite(
    call: CallDescription,
    redisKeys: readonly string[],
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return this.execute(call, (client) =>
      this.options.lateWriteGuard
        ? guardedWrite(client, redisKeys, this.writeDeadlineMs(), command, args)
        : client.call(command, ...args),
    );
  }

  /**
   * Calls `observer` after every bounded call (operation, duration in milliseconds, outcome),
   * for latency histograms. Returns a function that removes the observer.
   */
  observeCalls(observer: RedisCallObserver): () => void {
    return this.executor.observe(observer);
  }

  /**
   * The server-clock time (ms) after which a write sent now must not be applied: now plus
   * `withinMs` (default the command timeout), corrected by the measured clock offset. Lua
   * scripts compare it with `TIME` to refuse work whose caller has already given up.
   */
  deadlineMs(withinMs: number = this.options.commandTimeoutMs): number {
    return Date.now() + this.clockOffsetMs + withinMs;
  }

  /** The counters, breaker state and readiness. */
  getStats(): RedisStats {
    return {
      hits: this.counters.hits,
      misses: this.counters.misses,
      errors: this.counters.errors,
      timeouts: this.counters.timeouts,
      shortCircuited: this.counters.shortCircuited,
      lateWritesRefused: this.counters.lateWritesRefused,
      decodeErrors: this.counters.decodeErrors,
      breakerState: this.breaker.state,
      reconnectAttempts: this.counters.reconnectAttempts,
      ready: this.client?.status === 'ready',
      enabled: this.client !== null,
      mode: this.mode,
      lastError: this.counters.lastError,
    };
  }

  /** `true` when Redis answered PING within the command timeout. */
  async ping(): Promise<boolean> {
    return (await this.healthCheck()).healthy;
  }

  /**
   * PINGs Redis directly (ignoring the breaker) within the command timeout, and measures the
   * round trip. Never throws.
   */
  async healthCheck(timeoutMs = this.options.commandTimeoutMs): Promise<RedisHealth> {
    const startedAt = performance.now();
    const elapsed = () => Math.round((performance.now() - startedAt) * 100) / 100;
    if (!this.client) return { healthy: false, latencyMs: 0, error: 'caching is disabled' };
    if (this.client.status !== 'ready') {
      return { healthy: false, latencyMs: 0, error: `connection is ${this.client.status}` };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const pong = this.client.ping();
      pong.catch(() => undefined);
      await Promise.race([
        pong,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return { healthy: true, latencyMs: elapsed() };
    } catch (error) {
      return { healthy: false, latencyMs: elapsed(), error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- values ---------------------------------------------------------------------------------

  /** The value at `key`, or `null` on a miss, an undecodable value (then deleted) or a failure. */
  async get<T>(key: string): Promise<T | null> {
    const redisKey = this.namespace.toRedisKey(key);
    const text = await this.read({ operation: 'get', key }, (c) => c.get(redisKey));
    if (text === null || text === undefined) {
      this.counters.misses += 1;
      return null;
    }
    const decoded = this.decode<T>(key, text);
    if (decoded === null) this.counters.misses += 1;
    else this.counters.hits += 1;
    return decoded;
  }

  /**
   * Stores `value` under `key` for `ttlSeconds` (default: the module's default TTL).
   * Returns `false` when the write was dropped (Redis unavailable, timeout, late).
   */
  async set<T>(key: string, value: T, ttlSeconds?: number): Promise<boolean> {
    const redisKey = this.namespace.toRedisKey(key);
    const ttlMs = this.ttlMs(ttlSeconds);
    const text = this.serializer.serialize(value);
    return this.write({ operation: 'set', key }, [redisKey], 'SET', [redisKey, text, 'PX', ttlMs]);
  }

  /** Deletes keys; returns how many existed (0 on failure). */
  async del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const redisKeys = keys.map((k) => this.namespace.toRedisKey(k));
    const call = { operation: 'del', key: keys[0] as string };
    const counts = await Promise.all(
      this.groupBySlot(redisKeys).map((group) =>
        this.read(call, (c) => c.unlink(...group)).then((n) => n ?? 0),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Whether `key` exists (`false` on failure). */
  async exists(key: string): Promise<boolean> {
    const redisKey = this.namespace.toRedisKey(key);
    return (await this.read({ operation: 'exists', key }, (c) => c.exists(redisKey))) === 1;
  }

  /**
   * Remaining time to live of `key`, in seconds: `-1` when it has no expiry, `-2` when it does
   * not exist or Redis could not be asked.
   */
  async ttl(key: string): Promise<number> {
    const redisKey = this.namespace.toRedisKey(key);
    return (await this.read({ operation: 'ttl', key }, (c) => c.ttl(redisKey))) ?? -2;
  }

  /** Sets the time to live of `key`, in seconds. Returns `false` when the key is missing or on failure. */
  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const redisKey = this.namespace.toRedisKey(key);
    const seconds = Math.ceil(this.ttlMs(ttlSeconds) / 1000);
    const result = await this.writeResult({ operation: 'expire', key }, [redisKey], 'EXPIRE', [
      redisKey,
      seconds,
    ]);
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
    const redisKey = this.namespace.toRedisKey(key);
    const call = { operation: 'incrBy', key };
    if (ttlSeconds === undefined) {
      const result = await this.writeResult(call, [redisKey], 'INCRBY', [redisKey, amount]);
      return typeof result === 'number' ? result : null;
    }
    const ttlMs = this.ttlMs(ttlSeconds);
    try {
      return await this.execute(call, async (client) => {
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
    const redisKey = this.namespace.toRedisKey(key);
    const text = await this.read({ operation: 'hget', key }, (c) => c.hget(redisKey, field));
    if (text === null || text === undefined) return null;
    return this.decode<T>(key, text);
  }

  /**
   * Sets fields of a hash. `ttlSeconds`, when given, sets the hash's expiry.
   * Returns `false` when the write was dropped.
   */
  async hset<T>(key: string, fields: Record<string, T>, ttlSeconds?: number): Promise<boolean> {
    const redisKey = this.namespace.toRedisKey(key);
    const args: (string | number)[] = [redisKey];
    for (const [field, value] of Object.entries(fields)) {
      args.push(field, this.serializer.serialize(value));
    }
    if (args.length === 1) return true;
    const stored = await this.write({ operation: 'hset', key }, [redisKey], 'HSET', args);
    if (stored && ttlSeconds !== undefined) return this.expire(key, ttlSeconds);
    return stored;
  }

  /** Every field of a hash, decoded; `{}` when missing or on failure. */
  async hgetall<T>(key: string): Promise<Record<string, T>> {
    const redisKey = this.namespace.toRedisKey(key);
    const raw = (await this.read({ operation: 'hgetall', key }, (c) => c.hgetall(redisKey))) ?? {};
    const result: Record<string, T> = {};
    for (const [field, text] of Object.entries(raw)) {
      const decoded = this.decode<T>(key, text, false);
      if (decoded !== null) result[field] = decoded;
    }
    return result;
  }

  // ---- several keys ---------------------------------------------------------------------------

  /** Values of several keys, in order; `null` for each miss (all `null` on failure). */
  async mget<T>(keys: readonly string[]): Promise<(T | null)[]> {
    if (keys.length === 0) return [];
    const redisKeys = keys.map((k) => this.namespace.toRedisKey(k));
    const texts = new Map<string, string | null>();
    await Promise.all(
      this.groupBySlot(redisKeys).map(async (group) => {
        const values: (string | null)[] | null = await this.read(
          { operation: 'mget', key: keys[0] },
          (c) => c.mget(...group),
        );
        group.forEach((k, i) => texts.set(k, values?.[i] ?? null));
      }),
    );
    return keys.map((key, i) => {
      const text = texts.get(redisKeys[i] ?? '') ?? null;
      const decoded = text === null ? null : this.decode<T>(key, text);
      if (decoded === null) this.counters.misses += 1;
      else this.counters.hits += 1;
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
    const ttlMs = this.ttlMs(ttlSeconds);
    const byKey = new Map<string, string>();
    for (const [key, value] of pairs) {
      byKey.set(this.namespace.toRedisKey(key), this.serializer.serialize(value));
    }
    const call = { operation: 'mset', key: pairs[0]?.[0] ?? '' };
    // MSET has no expiry, so each key gets its own SET … PX, pipelined in chunks. Chunks go one
    // after the other so that each one, not the whole batch, has to fit in the command timeout.
    // In a Cluster a pipeline holds the keys of one node only (ioredis refuses the others).
    const groups = groupByKeySlot(this.client, [...byKey], ([redisKey]) => redisKey, 'node');
    for (const part of groups.flatMap((group) => chunk(group, MSET_CHUNK_SIZE))) {
      try {
        await this.execute(call, (client) => this.pipelineSet(client, part, ttlMs));
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
    const deadlineMs = this.writeDeadlineMs();
    for (const [redisKey, text] of entries) {
      if (this.options.lateWriteGuard) {
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

  // ---- by prefix ------------------------------------------------------------------------------

  /**
   * Iterates the logical keys that start with `prefix`, with SCAN on every master. Glob
   * characters in `prefix` match only themselves. Stops early (without throwing) when Redis
   * fails; `complete` on the iterator's return tells whether every node was scanned.
   */
  async *scanKeys(prefix = ''): AsyncGenerator<string, { complete: boolean }, undefined> {
    if (!this.client || !this.isAvailable) return { complete: false };
    const pattern = this.namespace.matchPattern(prefix);
    let nodes: Redis[];
    try {
      nodes = await this.execute({ operation: 'scan', key: prefix }, scanTargets);
    } catch {
      return { complete: false };
    }
    for (const node of nodes) {
      let cursor = '0';
      do {
        let step: [string, string[]];
        try {
          step = await this.execute({ operation: 'scan', key: prefix }, () =>
            scanStep(node, cursor, pattern),
          );
        } catch {
          return { complete: false };
        }
        cursor = step[0];
        for (const redisKey of step[1]) yield this.namespace.fromRedisKey(redisKey);
      } while (cursor !== '0');
    }
    return { complete: true };
  }

  /**
   * Deletes every key of the namespace that starts with `prefix` (SCAN + UNLINK on every master,
   * never KEYS). Glob characters in `prefix` match only themselves. Returns how many keys were
   * deleted; a failure midway stops the sweep and returns the count so far.
   */
  async deleteByPrefix(prefix: string): Promise<number> {
    if (!this.client || !this.isAvailable) return 0;
    const client = this.client;
    const pattern = this.namespace.matchPattern(prefix);
    let deleted = 0;
    let nodes: Redis[];
    try {
      nodes = await this.execute({ operation: 'scan', key: prefix }, scanTargets);
    } catch {
      return 0;
    }
    for (const node of nodes) {
      let cursor = '0';
      do {
        try {
          const [next, keys] = await this.execute({ operation: 'scan', key: prefix }, () =>
            scanStep(node, cursor, pattern),
          );
          cursor = next;
          deleted += await this.execute({ operation: 'unlink', key: prefix }, () =>
            unlinkOnNode(client, node, keys),
          );
        } catch {
          return deleted;
        }
      } while (cursor !== '0');
    }
    return deleted;
  }

  /**
   * Deletes every key of the module's namespace, and nothing else: never FLUSHDB or FLUSHALL,
   * which would erase data that other applications (or BullMQ) keep on the same Redis.
   */
  clearNamespace(): Promise<number> {
    return this.deleteByPrefix('');
  }

  // ---- internals ------------------------------------------------------------------------------

  private async read<T>(
    call: CallDescription,
    fn: (client: RedisClient) => Promise<T>,
  ): Promise<T | null> {
    try {
      return await this.execute(call, fn);
    } catch {
      return null;
    }
  }

  private async write(
    call: CallDescription,
    redisKeys: readonly string[],
    command: string,
    args: readonly (string | number)[],
  ): Promise<boolean> {
    return (await this.writeResult(call, redisKeys, command, args)) !== null;
  }

  private async writeResult(
    call: CallDescription,
    redisKeys: readonly string[],
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await this.executeWrite(call, redisKeys, command, args);
    } catch {
      return null;
    }
  }

  /** Decodes a stored value; an undecodable value is deleted and treated as a miss. */
  private decode<T>(key: string, text: string, deleteOnError = true): T | null {
    const decoded = this.serializer.deserialize<T>(text);
    if (decoded.ok) return decoded.value;
    this.counters.decodeErrors += 1;
    this.logger.warn(`get key=${JSON.stringify(key)}: stored value could not be decoded; deleted`);
    if (deleteOnError) void this.del(key);
    return null;
  }

  private ttlMs(ttlSeconds: number | undefined): number {
    const seconds = ttlSeconds ?? this.options.defaultTtlSeconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new RangeError('ttlSeconds must be a positive number');
    }
    return Math.max(1, Math.round(seconds * 1000));
  }

  /**
   * The server-clock time (epoch ms) after which a write sent now must not be applied; for
   * scripts that guard their own writes.
   */
  writeDeadlineMs(): number {
    return Date.now() + this.clockOffsetMs + this.options.commandTimeoutMs;
  }

  /** Groups Redis keys so that each group can go in one multi-key command. */
  private groupBySlot(redisKeys: string[]): string[][] {
    return groupByKeySlot(this.client, redisKeys, (redisKey) => redisKey, 'slot');
  }

  private async probe(): Promise<boolean> {
    return (await this.healthCheck()).healthy;
  }

  private watch(client: RedisClient): void {
    defineGuardedWrite(client);
    client.on('ready', () => {
      this.breaker.close();
      void this.measureClockOffset(client);
      this.logger.log(`connected (${this.mode})`);
    });
    client.on('reconnecting', () => {
      this.counters.reconnectAttempts += 1;
    });
    client.on('close', () => {
      if (!this.closing) this.breaker.open();
    });
    client.on('error', (error: Error) => {
      const message = describeConnectionError(error);
      this.counters.lastError = { operation: 'connection', message, atMs: Date.now() };
      this.connectionLog.warn('connection', `connection to Redis failed: ${message}`);
    });
  }

  /** Measures the server clock against ours, so that write deadlines are in the server's time. */
  private async measureClockOffset(client: RedisClient): Promise<void> {
    try {
      const sentAt = Date.now();
      const [seconds, micros] = await client.time();
      const receivedAt = Date.now();
      const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      this.clockOffsetMs = serverMs - (sentAt + receivedAt) / 2;
    } catch {
      // Keep the previous offset.
    }
  }
}

/** Sends QUIT and waits for it at most `timeoutMs`, then drops the socket. */
async function quitWithin(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Quitting a connection that is already down fails; dropping it below is enough.
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Keys written per pipeline by `mset`. */
const MSET_CHUNK_SIZE = 200;

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
