import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { RedisService, type RedisClient } from 'nestjs-coherent-cache';
import { withDeadline } from './deadline.js';
import { JobNotEnqueuedError, QueuesDisabledError, UnknownQueueError } from './errors/index.js';
import { JobCancellations } from './job-cancellations.js';
import { QueueConnections } from './queue-connections.js';
import {
  BULLMQ_MINIMUM_REDIS,
  isBelowBullmqMinimum,
  probeQueueServer,
  type QueueServerFacts,
} from './queue-server.probe.js';
import {
  QUEUE_MODULE_OPTIONS,
  QUEUE_NAMES,
  isQueueName,
  type QueueName,
} from './queue.constants.js';
import {
  resolveQueueModuleOptions,
  type QueueModuleOptions,
  type ResolvedQueueModuleOptions,
} from './queue-module.options.js';
import type { JobHandler } from './queue-processor.decorator.js';
import { QueueProcessorExplorer } from './queue-processor.explorer.js';

/** Job counts of one queue. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** What `QueueService.getJob` reports about a job. */
export interface JobView {
  id: string;
  queue: QueueName;
  state: string;
  attemptsMade: number;
  result: unknown;
  failedReason: string | undefined;
}

/** Defaults of every job: retried with back-off, and kept for a while after it ends. */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/** Bound of a close that should not wait for Redis, in milliseconds. */
const FORCED_CLOSE_TIMEOUT_MS = 1_000;

/** Runs `close` within `timeoutMs`; on failure or timeout, runs `drop` (never throws). */
async function closeWithin(
  close: () => Promise<void>,
  timeoutMs: number,
  drop: () => Promise<void>,
): Promise<void> {
  try {
    await withDeadline(close(), timeoutMs, 'close');
  } catch {
    await withDeadline(drop(), FORCED_CLOSE_TIMEOUT_MS, 'disconnect').catch(() => undefined);
  }
}

/** Deadline of reads made for health, metrics and the job-state route, in milliseconds. */
const READ_TIMEOUT_MS = 500;

/**
 * Owns the BullMQ queues and workers of the reference backend. Producers use the shared
 * connection (or the queue Redis); each worker gets its own duplicated connection without a
 * command timeout. Workers and queues are closed before the Redis connection quits.
 */
@Injectable()
export class QueueService implements OnModuleInit {
  private readonly logger = new Logger('QueueService');
  private readonly options: ResolvedQueueModuleOptions;
  private readonly connections: QueueConnections;
  private readonly cancellations: JobCancellations;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers = new Map<QueueName, Worker>();
  private readonly lastLogAtMs = new Map<string, number>();
  private closed = false;

  /**
   * Whether the queue Redis's `INFO` (version, eviction policy) has been read, or was refused
   * to this ACL user.
   */
  serverInfo: 'unknown' | 'read' | 'refused' = 'unknown';
  /** The startup warning about the queue Redis's eviction policy, when one was given. */
  evictionWarning: string | null = null;

  constructor(
    @Inject(QUEUE_MODULE_OPTIONS) options: QueueModuleOptions,
    private readonly redis: RedisService,
    private readonly explorer: QueueProcessorExplorer,
  ) {
    this.options = resolveQueueModuleOptions(options);
    this.connections = new QueueConnections(redis, this.options, this.logger);
    this.cancellations = new JobCancellations(this.connections, this.logger);
  }

  onModuleInit(): void {
    const producer = this.connections.producer;
    if (!producer) {
      const why = this.redis.mode === 'memory' ? 'no Redis is configured' : 'caching is off';
      this.logger.log(`queues are disabled: ${why} and QUEUE_REDIS_URL is not set`);
      return;
    }
    this.connections.connect();
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(name, {
        connection: producer,
        prefix: this.connections.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
        // BullMQ's own check runs INFO, which a least-privilege ACL user may not: it would leave
        // the queue failing for ever. Producers never block, and `inspectServer` checks the
        // version instead.
        skipVersionCheck: true,
      });
      queue.on('error', (error) => this.warn(`queue ${name}`, error));
      this.queues.set(name, queue);
    }
    // Workers connect once the queue Redis has been reached: a wrong address, password or
    // certificate then costs one reconnecting connection, not one more per worker.
    const handlers = this.options.workersEnabled ? this.explorer.explore() : undefined;
    const onReady = async () => {
      const facts = await probeQueueServer(producer);
      this.inspectServer(facts, producer);
      if (handlers) this.startWorkers(handlers, facts?.infoAllowed === false);
    };
    if (producer.status === 'ready') void onReady();
    else producer.once('ready', () => void onReady());
    this.redis.onShutdown('queues', () => this.close());
  }

  /** Whether producers can add jobs now. */
  get ready(): boolean {
    return this.connections.ready;
  }

  /** Queue names that have a worker in this process. */
  get workerNames(): QueueName[] {
    return [...this.workers.keys()];
  }

  /**
   * Adds a job; resolves with its id once Redis has stored it. Fails within `addTimeoutMs`
   * (1 s by default) during an outage, and a job whose add failed never runs.
   *
   * @throws UnknownQueueError for a name outside `QUEUE_NAMES`
   * @throws JobNotEnqueuedError when the job could not be stored in time
   */
  async add(queueName: string, data: Record<string, unknown>): Promise<{ id: string }> {
    const queue = this.queue(queueName);
    if (!this.connections.ready) {
      throw new JobNotEnqueuedError(queueName, this.unavailableReason());
    }
    const id = randomUUID();
    try {
      await withDeadline(
        queue.add(queueName, data, { jobId: id }),
        this.options.addTimeoutMs,
        `no answer within ${this.options.addTimeoutMs} ms`,
      );
      return { id };
    } catch (error) {
      this.cancellations.cancel(queueName, id);
      throw new JobNotEnqueuedError(queueName, (error as Error).message, id, { cause: error });
    }
  }

  /** A job's state, or `null` when it does not exist (or no longer). Bounded; throws on failure. */
  async getJob(queueName: string, id: string): Promise<JobView | null> {
    const queue = this.queue(queueName, 'read');
    const read = async (): Promise<JobView | null> => {
      // State first: a job read after its state is at least as new (a job that completed
      // between the two reads still shows its result).
      const state = await queue.getJobState(id);
      const job = await queue.getJob(id);
      if (!job) return null;
      return {
        id,
        queue: queueName as QueueName,
        state,
        attemptsMade: job.attemptsMade,
        result: job.returnvalue as unknown,
        failedReason: job.failedReason || undefined,
      };
    };
    return withDeadline(read(), READ_TIMEOUT_MS, `no answer within ${READ_TIMEOUT_MS} ms`);
  }

  /** Why queues cannot be used now: no queue Redis at all, or one that is not connected. */
  private unavailableReason(): string {
    return this.connections.producer
      ? 'the queue Redis is not connected'
      : 'no queue Redis is configured (set REDIS_URL or QUEUE_REDIS_URL)';
  }

  /** Counts of every queue (waiting, active, delayed, failed). Bounded; throws on failure. */
  async getCounts(timeoutMs = READ_TIMEOUT_MS): Promise<Record<QueueName, QueueCounts>> {
    if (!this.connections.ready) throw new Error(this.unavailableReason());
    const read = async () => {
      const entries = await Promise.all(
        [...this.queues].map(async ([name, queue]) => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          const view: QueueCounts = {
            waiting: counts.waiting ?? 0,
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            failed: counts.failed ?? 0,
          };
          return [name, view] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<QueueName, QueueCounts>;
    };
    return withDeadline(read(), timeoutMs, `no answer within ${timeoutMs} ms`);
  }

  /** The worker of a queue in this process (for events), or `undefined`. */
  getWorker(queueName: QueueName): Worker | undefined {
    return this.workers.get(queueName);
  }

  /**
   * Closes workers (letting active jobs finish, within `workerCloseTimeoutMs`, when Redis is
   * reachable), then queues, then the queue's own connections. Every step is bounded: with
   * Redis down, connections are dropped instead of waiting for it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reachable = await this.connections.answers(FORCED_CLOSE_TIMEOUT_MS / 2);
    await Promise.all(
      [...this.workers.values()].map((worker) =>
        closeWithin(
          () => (reachable ? worker.close() : worker.close(true)),
          reachable ? this.options.workerCloseTimeoutMs : FORCED_CLOSE_TIMEOUT_MS,
          () => worker.disconnect(),
        ),
      ),
    );
    await Promise.all(
      [...this.queues.values()].map((queue) =>
        closeWithin(
          () => queue.close(),
          FORCED_CLOSE_TIMEOUT_MS,
          () => queue.disconnect(),
        ),
      ),
    );
    await this.connections.close();
  }

  private queue(name: string, use: 'add' | 'read' = 'add'): Queue {
    const queue = isQueueName(name) ? this.queues.get(name) : undefined;
    if (!queue) {
      if (isQueueName(name) && use === 'read') throw new QueuesDisabledError(name);
      if (isQueueName(name)) throw new JobNotEnqueuedError(name, 'queues are disabled');
      throw new UnknownQueueError(name);
    }
    return queue;
  }

  /**
   * Starts the workers. `infoRefused`: the ACL user may not run INFO, so BullMQ's version check
   * is skipped (BullMQ then assumes Redis 5 and rounds its blocking timeouts up to whole
   * seconds).
   */
  private startWorkers(handlers: Map<QueueName, JobHandler>, infoRefused: boolean): void {
    if (this.closed || this.workers.size > 0) return;
    for (const [name, handler] of handlers) {
      const connection = this.connections.workerTemplate(name, infoRefused);
      if (!connection) continue;
      const worker = new Worker(name, (job: Job) => this.run(name, handler, job), {
        connection,
        prefix: this.connections.prefix,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.lockDurationMs,
        skipVersionCheck: infoRefused,
      });
      worker.on('error', (error) => this.warn(`worker ${name}`, error));
      worker.on('failed', (job, error) =>
        this.warn(`job ${name}/${job?.id ?? '?'}`, error, 'failed'),
      );
      this.workers.set(name, worker);
    }
  }

  private async run(name: QueueName, handler: JobHandler, job: Job): Promise<unknown> {
    const id = job.id ?? '';
    if (await this.cancellations.isCancelled(name, id, job.timestamp)) return { cancelled: true };
    return handler.process(job);
  }

  /**
   * Reports what the queue Redis told about itself: a version older than BullMQ supports, an
   * eviction policy that may drop jobs, or that the ACL user may not ask. `null` (no answer):
   * asked again at the next connection.
   */
  private inspectServer(facts: QueueServerFacts | null, producer: RedisClient): void {
    if (facts === null) {
      producer.once('ready', () => {
        void probeQueueServer(producer).then((again) => this.inspectServer(again, producer));
      });
      return;
    }
    this.serverInfo = facts.infoAllowed ? 'read' : 'refused';
    if (!facts.infoAllowed) {
      this.logger.log(
        'the queue Redis refuses INFO to this user (ACL): its version and eviction policy are not checked',
      );
      return;
    }
    if (facts.version !== undefined && isBelowBullmqMinimum(facts.version)) {
      this.logger.error(
        `the queue Redis is version ${facts.version}; BullMQ needs ${BULLMQ_MINIMUM_REDIS.join('.')} or later`,
      );
    }
    const policy = facts.maxmemoryPolicy;
    if (policy === undefined || policy === 'noeviction') return;
    this.evictionWarning =
      `the queue Redis uses maxmemory-policy ${policy}: under memory pressure it may evict ` +
      'BullMQ keys and lose or corrupt jobs. Set maxmemory-policy noeviction on the queue ' +
      'instance' +
      (this.connections.shared
        ? ', or set QUEUE_REDIS_URL to a separate Redis with noeviction (the cache wants allkeys-lru).'
        : '.');
    this.logger.warn(this.evictionWarning);
  }

  private warn(what: string, error: Error, verb = 'error'): void {
    const now = Date.now();
    if (now - (this.lastLogAtMs.get(what) ?? 0) < 5_000) return;
    this.lastLogAtMs.set(what, now);
    this.logger.warn(`${what} ${verb}: ${error.message}`);
  }
}
