import type { RedisConnectionOptions } from 'nestjs-coherent-cache';

/** HTTP platform the backend runs on. */
export type HttpAdapterName = 'express' | 'fastify';

/** The validated configuration, read once at startup. Units are in the names. */
export interface AppConfig {
  port: number;
  nodeEnv: string;
  appName: string;
  httpAdapter: HttpAdapterName;
  redis: {
    /**
     * The cache's Redis; `undefined` when no `REDIS_*` connection variable is set: the backend
     * then runs memory-only (one process).
     */
    connection: RedisConnectionOptions | undefined;
    commandTimeoutMs: number;
    /** When `true`, readiness fails while Redis is down. */
    required: boolean;
    /**
     * A Redis that never evicts, for sessions, rate-limit windows, locks and counters;
     * `undefined` keeps them on the cache connection.
     */
    stateConnection: RedisConnectionOptions | undefined;
  };
  cache: {
    enabled: boolean;
    keyPrefix: string;
    defaultTtlSeconds: number;
    /** Bearer token of the `/cache` management endpoints; `undefined` hides them (404). */
    adminToken: string | undefined;
  };
  queue: {
    /** A separate Redis for BullMQ; `undefined` shares the cache connection. */
    connection: RedisConnectionOptions | undefined;
    /** Lock of an active job, in milliseconds; a job whose worker died runs again after it. */
    lockDurationMs: number;
  };
  shutdown: {
    /** How long HTTP keeps draining after readiness turns 503, in milliseconds. */
    graceMs: number;
  };
  demo: {
    /** Simulated database latency of the demo routes, in milliseconds. */
    dbLatencyMs: number;
  };
}
