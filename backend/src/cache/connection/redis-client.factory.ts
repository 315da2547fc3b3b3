import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ResolvedCacheModuleOptions } from '../cache-module.options.js';
import type { RedisAuthOptions } from './redis-connection.options.js';

/** The raw client: one server (standalone or through Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

/** Exponential back-off with jitter, capped, for reconnection attempts. */
export function reconnectDelayMs(attempt: number, maxDelayMs: number): number {
  const base = Math.min(maxDelayMs, 50 * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

function authOptions(auth: RedisAuthOptions): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const options: Pick<RedisOptions, 'username' | 'password' | 'tls'> = {};
  if (auth.username !== undefined) options.username = auth.username;
  if (auth.password !== undefined) options.password = auth.password;
  if (auth.tls !== undefined) options.tls = auth.tls;
  return options;
}

/**
 * Options that make every call fail fast instead of waiting on ioredis defaults: no offline
 * queue (a command during an outage fails at once instead of being replayed later), no resend
 * of unanswered commands after a reconnect, and a command timeout.
 */
function failFastOptions(options: ResolvedCacheModuleOptions): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    enableReadyCheck: true,
    enableAutoPipelining: options.autoPipelining,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    // A demoted master answers READONLY: reconnect (Sentinel then finds the new master) without
    // resending the refused command.
    reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 1 : false),
  };
}

/**
 * Creates the ioredis client described by the options. It is created unconnected
 * (`lazyConnect`): call `connect()`. `overrides` replace the fail-fast defaults (a BullMQ worker
 * wants `maxRetriesPerRequest: null`, no `commandTimeout` and the offline queue on).
 */
export function createRedisClient(
  options: ResolvedCacheModuleOptions,
  connectionName: string,
  overrides: RedisOptions = {},
): RedisClient {
  const connection = options.connection;
  const retryStrategy = (attempt: number) => reconnectDelayMs(attempt, options.reconnectMaxDelayMs);
  const common = {
    ...failFastOptions(options),
    ...authOptions(connection),
    connectionName,
    ...overrides,
  };

  switch (connection.mode) {
    case 'standalone':
      return new Redis({
        ...common,
        host: connection.host,
        port: connection.port,
        db: connection.db ?? 0,
        retryStrategy,
      });
    case 'sentinel': {
      const sentinelOptions: RedisOptions = {
        ...common,
        sentinels: connection.sentinels,
        name: connection.name,
        db: connection.db ?? 0,
        role: 'master',
        retryStrategy,
        sentinelRetryStrategy: retryStrategy,
        sentinelCommandTimeout: options.commandTimeoutMs,
        failoverDetector: true,
        enableTLSForSentinelMode: connection.tls !== undefined,
      };
      if (connection.sentinelPassword !== undefined) {
        sentinelOptions.sentinelPassword = connection.sentinelPassword;
      }
      return new Redis(sentinelOptions);
    }
    case 'cluster': {
      const { lazyConnect, enableOfflineQueue, ...redisOptions } = common;
      const clusterOptions: ClusterOptions = {
        lazyConnect,
        enableOfflineQueue,
        enableReadyCheck: true,
        scaleReads: 'master',
        maxRedirections: 16,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: options.connectTimeoutMs,
        clusterRetryStrategy: retryStrategy,
        redisOptions,
      };
      return new Cluster(connection.nodes, clusterOptions);
    }
  }
}
