import type { Logger } from '@nestjs/common';
import { Cluster, type RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient, type RedisService } from 'nestjs-coherent-cache';
import type { ResolvedQueueModuleOptions } from './queue-module.options.js';

/**
 * What a worker connection needs and the cache connection must not have: BullMQ's blocking
 * commands wait for ever by design (`maxRetriesPerRequest: null`, no command timeout, commands
 * kept across a reconnect so that the worker resumes by itself), and no auto-pipelining.
 */
export const WORKER_CONNECTION_OVERRIDES: RedisOptions = {
  // A blocking connection sends one command at a time: nothing to batch.
  enableAutoPipelining: false,
  maxRetriesPerRequest: null,
  commandTimeout: undefined,
  enableOfflineQueue: true,
  autoResendUnfulfilledCommands: true,
};

/** Longest wait for QUIT of the queue's own producer connection, in milliseconds. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * The queue module's connections. Producers share the cache's client unless a separate queue
 * Redis is configured; workers get templates that BullMQ duplicates (it duplicates the client it
 * is handed for a worker's normal and blocking connections, and closes those duplicates).
 */
export class QueueConnections {
  /** The client Queue instances use; `null` when there is no Redis at all (caching disabled). */
  readonly producer: RedisClient | null;
  /** `true` when the producer is `RedisService`'s own client. */
  readonly shared: boolean;
  private readonly templates: RedisClient[] = [];

  constructor(
    private readonly redis: RedisService,
    private readonly options: ResolvedQueueModuleOptions,
    private readonly logger: Logger,
  ) {
    if (options.connection) {
      this.producer = createRedisClient(
        { ...redis.settings, connection: options.connection },
        `${redis.settings.keyPrefix}:queue`,
      );
      this.shared = false;
    } else {
      this.producer = redis.getClient();
      this.shared = true;
    }
  }

  /**
   * BullMQ's key prefix, inside the module's namespace: `<keyPrefix>:bull`, so that deployments
   * with different key prefixes on one Redis never see each other's queues (BullMQ's default,
   * a fixed `bull`, let one deployment's workers take another's jobs). In a Cluster it is a
   * hash tag, `{<keyPrefix>:bull}`, so that every key of a queue shares one slot.
   */
  get prefix(): string {
    const prefix = `${this.redis.settings.keyPrefix}:bull`;
    return this.producer instanceof Cluster ? `{${prefix}}` : prefix;
  }

  /** Whether the producer connection can take commands now. */
  get ready(): boolean {
    return this.producer?.status === 'ready';
  }

  /** Whether the queue Redis answers a PING within `timeoutMs` now. Never throws. */
  async answers(timeoutMs: number): Promise<boolean> {
    if (!this.producer || !this.ready) return false;
    const ping = this.producer.ping();
    ping.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([ping.then(() => true), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts connecting the queue's own producer (the shared one is connected by RedisService). */
  connect(): void {
    if (this.shared || !this.producer) return;
    this.producer.on('error', () => undefined);
    this.producer.connect().catch(() => {
      // Reconnection continues in the background.
    });
  }

  /**
   * A new, unconnected client for a worker; BullMQ duplicates it and owns the duplicates.
   * `infoRefused`: the ACL user may not run INFO, so the duplicates skip ioredis's ready check
   * (which would print a warning for each).
   */
  workerTemplate(queue: string, infoRefused = false): RedisClient | null {
    const purpose = `queue-worker:${queue}`;
    const overrides: RedisOptions = infoRefused
      ? { ...WORKER_CONNECTION_OVERRIDES, enableReadyCheck: false }
      : WORKER_CONNECTION_OVERRIDES;
    const template = this.options.connection
      ? createRedisClient(
          { ...this.redis.settings, connection: this.options.connection },
          `${this.redis.settings.keyPrefix}:${purpose}`,
          overrides,
        )
      : this.redis.createClient(purpose, overrides);
    if (template) this.templates.push(template);
    return template;
  }

  /** Closes what this class opened: the queue's own producer, the unconnected templates. */
  async close(): Promise<void> {
    for (const template of this.templates) template.disconnect();
    if (this.shared || !this.producer || this.producer.status === 'end') return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.producer.quit(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, QUIT_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn(`queue connection did not quit cleanly: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      this.producer.disconnect();
    }
  }
}
