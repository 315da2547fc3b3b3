import type { Logger } from '@nestjs/common';
import type { ResolvedRedisServiceOptions } from './redis-service.options.js';
import {
  BoundedExecutor,
  type CallDescription,
  type RedisCallObserver,
} from './bounded-executor.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { GuardedWriteBatcher } from './guarded-write.batch.js';
import type { RedisClient } from './redis-client.factory.js';
import type { RedisConnection, RedisConnectionListener } from './redis-connection.js';
import { RedisCounters, type RedisStats } from './redis-stats.js';

/**
 * The call-gate part of `RedisService`: every call the service makes passes here, bounded by
 * the command timeout, refused at once while the circuit breaker is open, counted and observed.
 * It follows the connection's events to open and close the breaker.
 */
export class RedisCallGate implements RedisConnectionListener {
  /** The counters behind {@link RedisCallGate.getStats}; readers add their hits and misses. */
  readonly counters = new RedisCounters();
  private readonly options: Readonly<ResolvedRedisServiceOptions>;
  private readonly breaker: CircuitBreaker;
  private readonly executor: BoundedExecutor;
  private readonly guardedWrites = new GuardedWriteBatcher();

  constructor(
    private readonly connection: RedisConnection,
    logger: Logger,
  ) {
    this.options = connection.settings;
    this.breaker = new CircuitBreaker(
      this.options.breakerFailureThreshold,
      this.options.breakerProbeIntervalMs,
      () => connection.ping(),
      (state) => logger.log(`circuit breaker ${state}`),
    );
    this.executor = new BoundedExecutor(
      connection.getClient(),
      this.breaker,
      this.counters,
      this.options.commandTimeoutMs,
      logger,
      this.options.logIntervalMs,
    );
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
   * @throws the same errors as `execute`
   */
  executeWrite(
    call: CallDescription,
    redisKeys: readonly string[],
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return this.execute(call, (client) =>
      this.options.lateWriteGuard
        ? this.guardedWrites.write(client, redisKeys, this.writeDeadlineMs(), command, args)
        : client.call(command, ...args),
    );
  }

  /** {@link RedisCallGate.execute} for callers that treat a failure as no answer: `null`. */
  async tryExecute<T>(
    call: CallDescription,
    fn: (client: RedisClient) => Promise<T>,
  ): Promise<T | null> {
    try {
      return await this.execute(call, fn);
    } catch {
      return null;
    }
  }

  /** {@link RedisCallGate.executeWrite} for callers that drop a failed write: `null`. */
  async tryExecuteWrite(
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
    return Date.now() + this.connection.clockOffsetMs + withinMs;
  }

  /**
   * The server-clock time (epoch ms) after which a write sent now must not be applied; for
   * scripts that guard their own writes.
   */
  writeDeadlineMs(): number {
    return Date.now() + this.connection.clockOffsetMs + this.options.commandTimeoutMs;
  }

  /** The counters, breaker state and readiness. */
  getStats(): RedisStats {
    const client = this.connection.getClient();
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
      ready: client?.status === 'ready',
      enabled: client !== null,
      mode: this.connection.mode,
      lastError: this.counters.lastError,
    };
  }

  connectionReady(): void {
    this.breaker.close();
  }

  connectionRetrying(): void {
    this.counters.reconnectAttempts += 1;
  }

  connectionLost(): void {
    this.breaker.open();
  }

  connectionFailed(message: string): void {
    this.counters.lastError = { operation: 'connection', message, atMs: Date.now() };
  }

  connectionClosing(): void {
    this.breaker.dispose();
  }
}

/** The members of {@link RedisCallGate} that `RedisService` exposes. */
export type RedisCallGateApi = Pick<
  RedisCallGate,
  | 'isAvailable'
  | 'execute'
  | 'executeWrite'
  | 'observeCalls'
  | 'deadlineMs'
  | 'writeDeadlineMs'
  | 'getStats'
>;
