import type { Logger } from '@nestjs/common';
import {
  RedisCommandError,
  RedisLateWriteError,
  RedisTimeoutError,
  RedisUnavailableError,
} from '../errors/index.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { RedisCallTracer } from '../telemetry/index.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { LATE_WRITE_REPLY } from './late-write.script.js';
import type { RedisClient } from './redis-client.factory.js';
import type { RedisCounters } from './redis-stats.js';

/** Describes one call for counting and logging; never carries a value. */
export interface CallDescription {
  /** A short operation name, e.g. `get` or `cache.getOrSet`. */
  operation: string;
  /** The logical key, when there is one (logged on failure). */
  key?: string;
}

/** How a bounded call ended, as seen by {@link RedisCallObserver}s. */
export type RedisCallOutcome = 'ok' | 'error' | 'timeout' | 'unavailable' | 'late_write';

/** One finished call: what it was, how long it took (milliseconds) and how it ended. */
export interface RedisCallEvent {
  operation: string;
  durationMs: number;
  outcome: RedisCallOutcome;
}

/** Receives every finished call (for latency histograms). Must not throw or block. */
export type RedisCallObserver = (event: RedisCallEvent) => void;

/** ioredis's own `commandTimeout` rejection; it may fire a moment before ours. */
function isClientTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * The one place where a Redis call is bounded in time, counted, and fed to the breaker.
 * Every failure surfaces as a typed `CacheError`.
 */
export class BoundedExecutor {
  private readonly log: RateLimitedLogger;
  private readonly observers = new Set<RedisCallObserver>();
  private readonly tracer = new RedisCallTracer();

  constructor(
    private readonly client: RedisClient | null,
    private readonly breaker: CircuitBreaker,
    private readonly counters: RedisCounters,
    private readonly timeoutMs: number,
    logger: Logger,
    logIntervalMs: number,
  ) {
    this.log = new RateLimitedLogger(logger, logIntervalMs);
  }

  /** `true` when a call would be sent now (client ready and breaker closed). */
  get available(): boolean {
    return this.client !== null && this.client.status === 'ready' && !this.breaker.isOpen;
  }

  /** Adds an observer of finished calls; returns a function that removes it. */
  observe(observer: RedisCallObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Runs `fn` against the client within the command timeout. Inside a recording OpenTelemetry
   * span, the call is a `redis <operation>` child span (operation and outcome, no arguments).
   *
   * @throws RedisUnavailableError at once when the breaker is open or the client not ready.
   * @throws RedisTimeoutError when Redis does not answer within the timeout.
   * @throws RedisLateWriteError when a guarded write reached Redis after its deadline.
   * @throws RedisCommandError when Redis answers with an error or the connection fails.
   */
  execute<T>(call: CallDescription, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    const span = this.tracer.start(call.operation);
    if (span === undefined) return this.bounded(call, fn);
    const running = this.bounded(call, fn);
    running.then(
      () => this.tracer.end(span, 'ok'),
      (error: unknown) => this.tracer.end(span, spanOutcomeOf(error), error),
    );
    return running;
  }

  private bounded<T>(call: CallDescription, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    const client = this.client;
    if (client === null || client.status !== 'ready' || this.breaker.isOpen) {
      this.counters.shortCircuited += 1;
      if (this.observers.size > 0) this.notify(call, 0, 'unavailable');
      return Promise.reject(new RedisUnavailableError(call.operation));
    }
    // One promise and one timer per call, no async frames: this is the hot path of every hit.
    const startedAt = this.observers.size > 0 ? performance.now() : -1;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        // Timers run before I/O in an event-loop turn: on a busy process the answer may already
        // be waiting in the socket. Let it be read first, so that a command that succeeded in
        // time is not reported as failed.
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(
            this.failObserved(
              call,
              startedAt,
              new RedisTimeoutError(call.operation, this.timeoutMs),
            ),
          );
        });
      }, this.timeoutMs);
      let pending: Promise<T>;
      try {
        pending = fn(client);
      } catch (error) {
        clearTimeout(timer);
        reject(this.failObserved(call, startedAt, error));
        return;
      }
      pending.then(
        (result) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.breaker.recordSuccess();
          if (startedAt >= 0) this.notify(call, performance.now() - startedAt, 'ok');
          resolve(result);
        },
        (error: unknown) => {
          // After a timeout the command may still settle; nobody is listening any more.
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(this.failObserved(call, startedAt, error));
        },
      );
    });
  }

  private failObserved(call: CallDescription, startedAt: number, error: unknown): Error {
    const typed = this.fail(call, error);
    if (startedAt >= 0) this.notify(call, performance.now() - startedAt, outcomeOf(typed));
    return typed;
  }

  private notify(call: CallDescription, durationMs: number, outcome: RedisCallOutcome): void {
    const event = { operation: call.operation, durationMs, outcome };
    for (const observer of this.observers) {
      try {
        observer(event);
      } catch {
        // An observer's failure must never change the outcome of a Redis call.
      }
    }
  }

  private fail(call: CallDescription, error: unknown): Error {
    this.counters.errors += 1;
    let typed: Error;
    if (error instanceof RedisTimeoutError || isClientTimeout(error)) {
      this.counters.timeouts += 1;
      this.breaker.recordFailure();
      typed =
        error instanceof RedisTimeoutError
          ? error
          : new RedisTimeoutError(call.operation, this.timeoutMs);
    } else if (isReplyError(error) && (error as Error).message.startsWith(LATE_WRITE_REPLY)) {
      this.counters.lateWritesRefused += 1;
      typed = new RedisLateWriteError(call.operation);
    } else if (isReplyError(error)) {
      // Redis answered: the connection is fine even though the command was refused.
      this.breaker.recordSuccess();
      typed = new RedisCommandError(call.operation, error);
    } else {
      this.breaker.recordFailure();
      typed = new RedisCommandError(call.operation, error);
    }
    this.counters.lastError = {
      operation: call.operation,
      message: typed.message,
      atMs: Date.now(),
    };
    const where = call.key === undefined ? '' : ` key=${JSON.stringify(call.key)}`;
    this.log.warn(call.operation, `${call.operation}${where} failed: ${typed.message}`);
    return typed;
  }
}

function spanOutcomeOf(error: unknown): RedisCallOutcome {
  if (error instanceof RedisUnavailableError) return 'unavailable';
  return error instanceof Error ? outcomeOf(error) : 'error';
}

function outcomeOf(error: Error): RedisCallOutcome {
  if (error instanceof RedisTimeoutError) return 'timeout';
  if (error instanceof RedisLateWriteError) return 'late_write';
  return 'error';
}
