import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type {
  ConnectedRedisServiceOptions,
  ResolvedRedisServiceOptions,
} from './redis-service.options.js';
import type { RedisAuthOptions } from './redis-connection.options.js';
import type { RedisClient } from './redis-client.js';
import { SwitchSafeSentinelConnector } from './sentinel.connector.js';
import { readServerInfo } from './server-info.js';

export type { RedisClient } from './redis-client.js';

/**
 * Longest pause between reconnection attempts through Sentinel, in milliseconds. The
 * announcement of a new master reaches only a connected client, so a client that lost a dead
 * master learns of its replacement at its next attempt: it asks the Sentinels often.
 */
export const SENTINEL_RECONNECT_MAX_DELAY_MS = 250;

/** Longest wait for a socket to close after a disconnect, before it is destroyed, in ms. */
export const DISCONNECT_TIMEOUT_MS = 100;

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
function failFastOptions(options: ResolvedRedisServiceOptions): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    enableReadyCheck: true,
    enableAutoPipelining: options.autoPipelining,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    // After `disconnect()`, ioredis waits this long for the socket to close before destroying
    // it, on a timer that holds the process; a socket to a dead server never closes again, so
    // its 2 s default kept a closed application alive for 2 s whenever Redis was down.
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
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
  options: ConnectedRedisServiceOptions,
  connectionName: string,
  overrides: RedisOptions = {},
): RedisClient {
  const client = buildClient(options, connectionName, overrides);
  keepAutoPipelinesInStep(client);
  // The first INFO tells whether this user may run it; if not, ioredis's ready check is
  // turned off for the reconnections (see `readServerInfo`).
  if (client instanceof Redis && client.options.enableReadyCheck !== false) {
    client.once('ready', () => void readServerInfo(client));
  }
  return client;
}

function buildClient(
  options: ConnectedRedisServiceOptions,
  connectionName: string,
  overrides: RedisOptions,
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
        retryStrategy: (attempt: number) =>
          reconnectDelayMs(
            attempt,
            Math.min(options.reconnectMaxDelayMs, SENTINEL_RECONNECT_MAX_DELAY_MS),
          ),
        sentinelRetryStrategy: retryStrategy,
        sentinelCommandTimeout: options.commandTimeoutMs,
        failoverDetector: true,
        // ioredis's own connector can end the client for good when a switch is announced
        // while it reconnects (see the class).
        Connector: SwitchSafeSentinelConnector,
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

/** The part of an ioredis auto-pipeline that a command defined later must be copied into. */
interface PendingPipeline {
  _shaToScript?: Record<string, unknown>;
  [command: string]: unknown;
}

/**
 * ioredis copies a client's script commands into an auto-pipeline when it opens one (for the
 * rest of the event-loop turn). A command defined after that and called in the same turn is
 * missing from the pipeline: the call fails, and the pipeline's reply handler then throws an
 * uncaught `TypeError` that ends the process. BullMQ defines its scripts on the shared client
 * when its connection becomes ready, while cache traffic may have a pipeline open. Here a
 * command defined on `client` is also added to the pipelines already open.
 */
function keepAutoPipelinesInStep(client: RedisClient): void {
  const open = (client as unknown as { _autoPipelines?: unknown })._autoPipelines;
  if (!(open instanceof Map)) return;
  const pipelines = open as Map<string, PendingPipeline>;
  const define = client.defineCommand.bind(client);
  const commands = client as unknown as Record<string, unknown> & {
    scriptsSet: Record<string, { sha: string }>;
  };
  client.defineCommand = (name, definition) => {
    define(name, definition);
    const script = commands.scriptsSet[name];
    for (const pipeline of pipelines.values()) {
      pipeline[name] = commands[name];
      pipeline[`${name}Buffer`] = commands[`${name}Buffer`];
      if (script && pipeline._shaToScript) pipeline._shaToScript[script.sha] = script;
    }
  };
}
