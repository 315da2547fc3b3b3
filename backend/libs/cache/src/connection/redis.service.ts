import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import { RedisNotReadyError } from '../errors/index.js';
import {
  resolveRedisServiceOptions,
  type RedisServiceOptions,
  type ResolvedRedisServiceOptions,
} from './redis-service.options.js';
import { KeyNamespace } from '../keys/key-namespace.js';
import type { CallDescription, RedisCallObserver } from './bounded-executor.js';
import { RedisCallGate, type RedisCallGateApi } from './redis-call-gate.js';
import type { RedisClient } from './redis-client.factory.js';
import {
  RedisConnection,
  type RedisConnectionApi,
  type RedisHealth,
  type ShutdownHook,
} from './redis-connection.js';
import type { RedisConnectionMode } from './redis-connection.options.js';
import { RedisKeyValue } from './redis-key-value.js';
import { RedisMultiKey } from './redis-multi-key.js';
import { RedisPrefixScan } from './redis-prefix-scan.js';
import type { RedisStats } from './redis-stats.js';
import { StoredValueCodec } from './stored-value.codec.js';

export type { RedisHealth, ShutdownHook } from './redis-connection.js';

/**
 * The Redis connection, its call gate and its key-value commands, behind one injectable. Each
 * member delegates to one part and is documented there: {@link RedisConnection} (client,
 * lifecycle, health), {@link RedisCallGate} (bounded calls, breaker, stats), and the key-value
 * parts {@link RedisKeyValue}, {@link RedisMultiKey} and {@link RedisPrefixScan}.
 *
 * Every method is bounded by the command timeout and never throws because Redis failed: a read
 * that cannot reach Redis is a miss (`null`), a write is dropped (`false`). Callers that must
 * know about a failure use {@link RedisService.execute}, which throws typed errors.
 *
 * Keys are logical keys: the service adds the module's namespace (`<keyPrefix>:`).
 */
@Injectable()
export class RedisService
  implements
    OnModuleInit,
    OnApplicationShutdown,
    RedisConnectionApi,
    RedisCallGateApi,
    Pick<RedisKeyValue, keyof RedisKeyValue>,
    Pick<RedisMultiKey, keyof RedisMultiKey>,
    Pick<RedisPrefixScan, keyof RedisPrefixScan>
{
  // The `implements` clause makes the compiler check each delegating member against its part,
  // and lets editors show the part's JSDoc on the service. Delegators read as a table.
  private readonly connection: RedisConnection;
  private readonly gate: RedisCallGate;
  private readonly keyValue: RedisKeyValue;
  private readonly multiKey: RedisMultiKey;
  private readonly prefixScan: RedisPrefixScan;

  /** The module's key namespace. */
  readonly namespace: KeyNamespace;

  constructor(@Inject(CACHE_MODULE_OPTIONS) options: RedisServiceOptions) {
    const resolved = resolveRedisServiceOptions(options);
    const logger = new Logger('RedisService');
    const namespace = new KeyNamespace(resolved.keyPrefix);
    const connection = new RedisConnection(resolved, logger);
    const gate = new RedisCallGate(connection, logger);
    connection.watch(gate);
    const codec = new StoredValueCodec(resolved, gate.counters, logger);
    const keyValue = new RedisKeyValue(gate, connection, namespace, codec);
    this.namespace = namespace;
    this.connection = connection;
    this.gate = gate;
    this.keyValue = keyValue;
    this.multiKey = new RedisMultiKey(gate, connection, namespace, codec, keyValue);
    this.prefixScan = new RedisPrefixScan(gate, connection, namespace);
  }

  /** Starts connecting in the background: the application never waits for Redis to boot. */
  onModuleInit(): void {
    this.connection.connect();
  }

  /**
   * Runs the registered shutdown hooks (queues, subscribers), then quits the connection.
   * Called by Nest after the HTTP server has stopped accepting requests.
   */
  onApplicationShutdown(): Promise<void> {
    return this.connection.close();
  }

  // ---- connection -----------------------------------------------------------------------------

  onShutdown(name: string, close: ShutdownHook): void {
    this.connection.onShutdown(name, close);
  }
  getClient(): RedisClient | null {
    return this.connection.getClient();
  }
  createClient(purpose: string, overrides?: RedisOptions): RedisClient | null {
    return this.connection.createClient(purpose, overrides);
  }
  get mode(): RedisConnectionMode {
    return this.connection.mode;
  }
  get settings(): Readonly<ResolvedRedisServiceOptions> {
    return this.connection.settings;
  }
  /**
   * Resolves once commands can be sent (at once when caching is off or memory-only), for tests
   * and for work that must not start degraded. Default deadline: `connectTimeoutMs`.
   *
   * @throws RedisNotReadyError when the connection is not ready within `timeoutMs`
   */
  async whenReady(timeoutMs = this.settings.connectTimeoutMs): Promise<void> {
    if (this.getClient() === null) return;
    const deadline = performance.now() + timeoutMs;
    while (!this.isAvailable) {
      if (performance.now() >= deadline)
        throw new RedisNotReadyError('the Redis connection', timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  ping(): Promise<boolean> {
    return this.connection.ping();
  }
  healthCheck(timeoutMs?: number): Promise<RedisHealth> {
    return this.connection.healthCheck(timeoutMs);
  }

  // ---- call gate ------------------------------------------------------------------------------

  get isAvailable(): boolean {
    return this.gate.isAvailable;
  }
  execute<T>(call: CallDescription, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.gate.execute(call, fn);
  }
  executeWrite(
    call: CallDescription,
    redisKeys: readonly string[],
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return this.gate.executeWrite(call, redisKeys, command, args);
  }
  observeCalls(observer: RedisCallObserver): () => void {
    return this.gate.observeCalls(observer);
  }
  deadlineMs(withinMs?: number): number {
    return this.gate.deadlineMs(withinMs);
  }
  writeDeadlineMs(): number {
    return this.gate.writeDeadlineMs();
  }
  getStats(): RedisStats {
    return this.gate.getStats();
  }

  // ---- values and hashes ----------------------------------------------------------------------

  get<T>(key: string): Promise<T | null> {
    return this.keyValue.get(key);
  }
  set<T>(key: string, value: T, ttlSeconds?: number): Promise<boolean> {
    return this.keyValue.set(key, value, ttlSeconds);
  }
  del(...keys: string[]): Promise<number> {
    return this.keyValue.del(...keys);
  }
  exists(key: string): Promise<boolean> {
    return this.keyValue.exists(key);
  }
  ttl(key: string): Promise<number> {
    return this.keyValue.ttl(key);
  }
  expire(key: string, ttlSeconds: number): Promise<boolean> {
    return this.keyValue.expire(key, ttlSeconds);
  }
  incr(key: string, ttlSeconds?: number): Promise<number | null> {
    return this.keyValue.incr(key, ttlSeconds);
  }
  decr(key: string, ttlSeconds?: number): Promise<number | null> {
    return this.keyValue.decr(key, ttlSeconds);
  }
  decrBy(key: string, amount: number, ttlSeconds?: number): Promise<number | null> {
    return this.keyValue.decrBy(key, amount, ttlSeconds);
  }
  incrBy(key: string, amount: number, ttlSeconds?: number): Promise<number | null> {
    return this.keyValue.incrBy(key, amount, ttlSeconds);
  }
  hget<T>(key: string, field: string): Promise<T | null> {
    return this.keyValue.hget(key, field);
  }
  hset<T>(key: string, fields: Record<string, T>, ttlSeconds?: number): Promise<boolean> {
    return this.keyValue.hset(key, fields, ttlSeconds);
  }
  hgetall<T>(key: string): Promise<Record<string, T>> {
    return this.keyValue.hgetall(key);
  }

  // ---- several keys ---------------------------------------------------------------------------

  mget<T>(keys: readonly string[]): Promise<(T | null)[]> {
    return this.multiKey.mget(keys);
  }
  mset<T>(
    entries: Record<string, T> | readonly [string, T][],
    ttlSeconds?: number,
  ): Promise<boolean> {
    return this.multiKey.mset(entries, ttlSeconds);
  }

  // ---- by prefix ------------------------------------------------------------------------------

  scanKeys(prefix?: string): AsyncGenerator<string, { complete: boolean }, undefined> {
    return this.prefixScan.scanKeys(prefix);
  }
  sweepPrefix(prefix: string): Promise<{ deleted: number; complete: boolean }> {
    return this.prefixScan.sweepPrefix(prefix);
  }
  deleteByPrefix(prefix: string): Promise<number> {
    return this.prefixScan.deleteByPrefix(prefix);
  }
  clearNamespace(): Promise<number> {
    return this.prefixScan.clearNamespace();
  }
}
