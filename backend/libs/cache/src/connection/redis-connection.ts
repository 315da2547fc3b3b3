import type { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import type {
  ConnectedRedisServiceOptions,
  ResolvedRedisServiceOptions,
} from './redis-service.options.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { describeConnectionError } from './connection-error.js';
import { defineGuardedBatch } from './guarded-write.batch.js';
import { defineGuardedWrite } from './late-write.script.js';
import { createRedisClient, type RedisClient } from './redis-client.factory.js';
import type { RedisConnectionMode } from './redis-connection.options.js';
import { pingWithin, quitWithin, type RedisHealth } from './timed-client-calls.js';

export type { RedisHealth } from './timed-client-calls.js';

/** Something that must be closed before the Redis connection quits (queues, subscribers). */
export type ShutdownHook = () => Promise<void>;

/** What the connection reports about itself to the part that keeps the breaker and counters. */
export interface RedisConnectionListener {
  /** The connection is ready to serve commands (first time or again). */
  connectionReady(): void;
  /** ioredis starts another reconnection attempt. */
  connectionRetrying(): void;
  /** The connection closed while the application was not shutting down. */
  connectionLost(): void;
  /** The connection failed; `message` describes why, without any secret. */
  connectionFailed(message: string): void;
  /** The shutdown hooks have run; the connection quits next. */
  connectionClosing(): void;
}

/**
 * The connection part of `RedisService`: creates the command client, connects it in the
 * background, reports its events, measures the server's clock, answers health checks, and at
 * shutdown closes what depends on it before quitting last.
 */
export class RedisConnection {
  private readonly client: RedisClient | null;
  private readonly connectionLog: RateLimitedLogger;
  private readonly shutdownHooks: { name: string; close: ShutdownHook }[] = [];
  private listener: RedisConnectionListener | null = null;
  private measuredClockOffsetMs = 0;
  private closing = false;

  constructor(
    private readonly options: ResolvedRedisServiceOptions,
    private readonly logger: Logger,
  ) {
    this.connectionLog = new RateLimitedLogger(logger, options.logIntervalMs);
    const connected = connectedOptions(options);
    this.client = connected ? createRedisClient(connected, `${options.keyPrefix}:cache`) : null;
  }

  /** The server's clock minus ours, in milliseconds, measured at each connection; 0 before. */
  get clockOffsetMs(): number {
    return this.measuredClockOffsetMs;
  }

  /**
   * Reports the client's events to `listener` (the breaker and counters follow them), and
   * registers the guarded-write script. Called once, before {@link RedisConnection.connect}.
   */
  watch(listener: RedisConnectionListener): void {
    this.listener = listener;
    const client = this.client;
    if (!client) return;
    defineGuardedWrite(client);
    defineGuardedBatch(client);
    client.on('ready', () => {
      listener.connectionReady();
      void this.measureClockOffset(client);
      this.logger.log(`connected (${this.mode})`);
    });
    client.on('reconnecting', () => listener.connectionRetrying());
    client.on('close', () => {
      if (!this.closing) listener.connectionLost();
    });
    client.on('error', (error: Error) => {
      const message = describeConnectionError(error);
      listener.connectionFailed(message);
      this.connectionLog.warn('connection', `connection to Redis failed: ${message}`);
    });
  }

  /** Starts connecting in the background: the application never waits for Redis to boot. */
  connect(): void {
    if (!this.client) {
      this.logger.log(
        this.options.enabled
          ? 'memory-only: no Redis configured; entries are cached in this process alone ' +
              '(sessions, rate limits, locks, pub/sub and queues need Redis)'
          : 'caching is disabled: no Redis connection is made',
      );
      return;
    }
    this.client.connect().catch(() => {
      // Reconnection continues in the background; failures are counted and logged by events.
    });
  }

  /**
   * Runs the registered shutdown hooks (queues, subscribers), then quits the connection within
   * three command timeouts. Runs once; later calls return at once.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const hook of this.shutdownHooks.reverse()) {
      try {
        await hook.close();
      } catch (error) {
        this.logger.warn(`shutdown of ${hook.name} failed: ${(error as Error).message}`);
      }
    }
    this.listener?.connectionClosing();
    if (!this.client) return;
    await quitWithin(this.client, this.options.commandTimeoutMs * 3);
  }

  /** Registers a close function that runs before the connection quits (last registered, first run). */
  onShutdown(name: string, close: ShutdownHook): void {
    this.shutdownHooks.push({ name, close });
  }

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
   * `connect()` and closes it (register the close with `onShutdown`).
   * `null` when caching is disabled or no Redis is configured (memory-only).
   */
  createClient(purpose: string, overrides: RedisOptions = {}): RedisClient | null {
    const connected = connectedOptions(this.options);
    if (!connected) return null;
    return createRedisClient(connected, `${this.options.keyPrefix}:${purpose}`, overrides);
  }

  /** The connection mode from the options; `memory` when no Redis is configured. */
  get mode(): RedisConnectionMode {
    return this.options.connection?.mode ?? 'memory';
  }

  /** The resolved options (defaults applied). */
  get settings(): Readonly<ResolvedRedisServiceOptions> {
    return this.options;
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
    if (!this.client) {
      const error = this.options.connection ? 'caching is disabled' : 'no Redis is configured';
      return { healthy: false, latencyMs: 0, error };
    }
    return pingWithin(this.client, timeoutMs);
  }

  /** Measures the server clock against ours, so that write deadlines are in the server's time. */
  private async measureClockOffset(client: RedisClient): Promise<void> {
    try {
      const sentAt = Date.now();
      const [seconds, micros] = await client.time();
      const receivedAt = Date.now();
      const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      this.measuredClockOffsetMs = serverMs - (sentAt + receivedAt) / 2;
    } catch {
      // Keep the previous offset.
    }
  }
}

/** The options when a connection is to be made: caching on and a Redis configured. */
function connectedOptions(
  options: ResolvedRedisServiceOptions,
): ConnectedRedisServiceOptions | null {
  const { connection } = options;
  return options.enabled && connection ? { ...options, connection } : null;
}

/** The members of {@link RedisConnection} that `RedisService` exposes. */
export type RedisConnectionApi = Pick<
  RedisConnection,
  'onShutdown' | 'getClient' | 'createClient' | 'mode' | 'settings' | 'ping' | 'healthCheck'
>;
