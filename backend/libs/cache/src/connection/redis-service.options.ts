import { InvalidCacheOptionsError } from '../errors/index.js';
import type { PatternsOptions } from '../patterns/patterns.options.js';
import { JsonSerializer, type CacheSerializer } from '../serialization/json.serializer.js';
import { resolveConnectionInput, type RedisConnectionInput } from './connection-input.js';
import type { RedisConnectionOptions } from './redis-connection.options.js';

/**
 * What `RedisService` reads of the module's options: the connection, its deadlines and
 * breaker, the key namespace and the serializer (and the pattern options, which the pattern
 * services read through `RedisService.settings`). `CacheModuleOptions` extends it.
 */
export interface RedisServiceOptions {
  /**
   * How to reach Redis: a `redis://` or `rediss://` URL, or options for standalone (optionally
   * TLS and an ACL user), Sentinel or Cluster; checked at boot. Omitted: memory-only. No connection is made; the cache lives in this process's memory tier
   * (one process: nothing is shared or coherent across processes), and the patterns that keep
   * state in Redis (sessions, rate limits, locks, counters, pub/sub, queues) are unavailable.
   */
  connection?: RedisConnectionInput;
  /**
   * The module's key namespace, e.g. `shop:prod`. Every key is written below `<keyPrefix>:`;
   * clearing the cache deletes only these keys. Default `app`: give each application (and
   * environment) sharing a Redis its own.
   */
  keyPrefix?: string;
  /** `false` turns caching off: no connection is made, reads miss, writes are dropped. Default `true`. */
  enabled?: boolean;
  /** Upper bound of every Redis call, in milliseconds. Default 300. */
  commandTimeoutMs?: number;
  /** Upper bound of establishing a connection, in milliseconds. Default 2,000. */
  connectTimeoutMs?: number;
  /** TTL used when a write gives none, in seconds. Default 300. */
  defaultTtlSeconds?: number;
  /** Consecutive failures that open the circuit breaker. Default 5. */
  breakerFailureThreshold?: number;
  /** How often an open breaker probes Redis with a PING, in milliseconds. Default 500. */
  breakerProbeIntervalMs?: number;
  /** Longest pause between two reconnection attempts, in milliseconds. Default 1,000. */
  reconnectMaxDelayMs?: number;
  /**
   * Guard writes with a server-side deadline so that a write whose caller timed out is refused
   * when it reaches Redis late (after a pause or a network stall). Default `true`.
   */
  lateWriteGuard?: boolean;
  /**
   * Send the commands issued in the same event-loop turn in one write (ioredis auto-pipelining).
   * Raises throughput under concurrency (about 1.5x at 100 callers) at the cost of some latency
   * for calls made one at a time. Default `true`.
   */
  autoPipelining?: boolean;
  /** Minimum interval between two log lines about the same failing operation, in ms. Default 5,000. */
  logIntervalMs?: number;
  /** How values are turned into strings. Default JSON. */
  serializer?: CacheSerializer;
  /**
   * Where the patterns keep state that must never be evicted: sessions, rate-limit windows,
   * locks and counters. Give a Redis whose `maxmemory-policy` is `noeviction` (the one BullMQ
   * uses is a good choice). Default: the cache's own connection (a warning is logged at startup
   * when that Redis may evict keys).
   */
  stateConnection?: RedisConnectionInput;
  /** Options of the patterns (sessions, rate limiting, locks, pub/sub, warming). */
  patterns?: PatternsOptions;
}

/** Options with every default applied (pattern options are resolved by the patterns). */
export type ResolvedRedisServiceOptions = Required<
  Omit<RedisServiceOptions, 'patterns' | 'stateConnection' | 'connection'>
> & {
  /** Absent: memory-only. */
  connection?: RedisConnectionOptions;
  patterns: PatternsOptions;
  stateConnection?: RedisConnectionOptions;
};

/** Resolved options of a service that talks to Redis. */
export type ConnectedRedisServiceOptions = ResolvedRedisServiceOptions & {
  connection: RedisConnectionOptions;
};

const DEFAULTS = {
  keyPrefix: 'app',
  enabled: true,
  commandTimeoutMs: 300,
  connectTimeoutMs: 2_000,
  defaultTtlSeconds: 300,
  breakerFailureThreshold: 5,
  breakerProbeIntervalMs: 500,
  reconnectMaxDelayMs: 1_000,
  lateWriteGuard: true,
  autoPipelining: true,
  logIntervalMs: 5_000,
} as const;

/** Applies defaults and checks ranges. Throws `InvalidCacheOptionsError` naming the field. */
export function resolveRedisServiceOptions(
  options: RedisServiceOptions = {},
): ResolvedRedisServiceOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidCacheOptionsError('options', 'an object (or nothing)');
  }
  const { connection, stateConnection, ...rest } = stripUndefined(options);
  const resolved: ResolvedRedisServiceOptions = {
    ...DEFAULTS,
    serializer: new JsonSerializer(),
    ...rest,
    patterns: options.patterns ?? {},
  };
  if (connection !== undefined) {
    resolved.connection = resolveConnectionInput(connection, 'connection');
  }
  if (stateConnection !== undefined) {
    resolved.stateConnection = resolveConnectionInput(stateConnection, 'stateConnection');
  }
  if (typeof resolved.keyPrefix !== 'string' || !/^[^\s{}*?[\]\\]+$/.test(resolved.keyPrefix)) {
    throw new InvalidCacheOptionsError(
      'keyPrefix',
      'a non-empty string without spaces, braces or glob characters (* ? [ ] \\)',
    );
  }
  positiveInteger(resolved, 'commandTimeoutMs');
  positiveInteger(resolved, 'connectTimeoutMs');
  positiveInteger(resolved, 'defaultTtlSeconds');
  positiveInteger(resolved, 'breakerFailureThreshold');
  positiveInteger(resolved, 'breakerProbeIntervalMs');
  positiveInteger(resolved, 'reconnectMaxDelayMs');
  positiveInteger(resolved, 'logIntervalMs');
  return resolved;
}

function positiveInteger(
  options: ResolvedRedisServiceOptions,
  field: Exclude<keyof typeof DEFAULTS, 'keyPrefix'>,
): void {
  const value = options[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidCacheOptionsError(field, 'a positive whole number');
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
