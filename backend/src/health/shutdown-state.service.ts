import type { Server } from 'node:http';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectAppConfig, type AppConfig } from '../config/index.js';
import { stopAcceptingConnections } from './connection-draining.js';

/** After the listener closed: time for just-accepted connections to send their request, ms. */
const CONNECTIONS_SETTLE_MS = 100;
/** Longest wait for in-flight requests once the listener closed, in milliseconds. */
const CONNECTIONS_END_TIMEOUT_MS = 5_000;

/**
 * The first step of shutdown. Nest calls `beforeApplicationShutdown` before it closes the HTTP
 * server: from then on readiness answers 503 (load balancers stop sending traffic) and responses
 * carry `Connection: close`, while requests keep being served for `SHUTDOWN_GRACE_MS`. Then the
 * listener closes and in-flight requests finish; the HTTP server closes, and
 * `onApplicationShutdown` closes workers, queues and Redis.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private shuttingDown = false;

  constructor(
    @InjectAppConfig() private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** `true` once shutdown has begun. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    // Ctrl-C in development: nothing routes traffic here, so there is nothing to drain.
    const interactive = signal === 'SIGINT' && this.config.nodeEnv === 'development';
    const graceMs = interactive ? 0 : this.config.shutdown.graceMs;
    this.logger.log(
      `shutting down${signal ? ` on ${signal}` : ''}: readiness answers 503, draining HTTP for ${graceMs} ms`,
    );
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
    this.logger.log('drain over: no new connections; waiting for in-flight requests');
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) {
      await stopAcceptingConnections(server, {
        settleMs: CONNECTIONS_SETTLE_MS,
        timeoutMs: CONNECTIONS_END_TIMEOUT_MS,
      });
    }
  }
}
