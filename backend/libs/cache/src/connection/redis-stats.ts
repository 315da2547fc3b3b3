import type { BreakerState } from './circuit-breaker.js';
import type { RedisConnectionMode } from './redis-connection.options.js';

/** A snapshot of the connection's counters, as returned by `RedisService.getStats()`. */
export interface RedisStats {
  /** Reads that found a value. */
  hits: number;
  /** Reads that found nothing, or could not reach Redis. */
  misses: number;
  /** Calls that failed for any reason (timeouts included). */
  errors: number;
  /** Calls that did not complete within the command timeout. */
  timeouts: number;
  /** Calls answered at once because the breaker was open or the connection not ready. */
  shortCircuited: number;
  /** Writes refused by Redis because they arrived after their deadline. */
  lateWritesRefused: number;
  /** Stored values that could not be decoded (then deleted). */
  decodeErrors: number;
  breakerState: BreakerState;
  /** Reconnection attempts since start. */
  reconnectAttempts: number;
  /** Whether the connection is ready to serve commands now. */
  ready: boolean;
  /** `false` when caching is turned off by configuration. */
  enabled: boolean;
  mode: RedisConnectionMode;
  /** The last failure, without any value or secret. */
  lastError: { operation: string; message: string; atMs: number } | null;
}

/** Mutable counters behind `RedisStats`. */
export class RedisCounters {
  hits = 0;
  misses = 0;
  errors = 0;
  timeouts = 0;
  shortCircuited = 0;
  lateWritesRefused = 0;
  decodeErrors = 0;
  reconnectAttempts = 0;
  lastError: RedisStats['lastError'] = null;
}
