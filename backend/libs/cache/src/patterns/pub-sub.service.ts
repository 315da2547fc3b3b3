import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '../connection/redis.service.js';
import type { RedisClient } from '../connection/redis-client.factory.js';
import { PubSubLimitError } from '../errors/index.js';
import { RateLimitedLogger } from '../logging/rate-limited.logger.js';
import { resolvePatternsOptions } from './patterns.options.js';
import type { Channel, MessageHandler, PubSubStats } from './pub-sub.types.js';

/**
 * Typed pub/sub with JSON payloads. Publishing goes through the shared command connection
 * (bounded); subscribing uses one dedicated subscriber connection, opened on the first
 * subscription, resubscribed by ioredis after every reconnect (`autoResubscribe`), and closed
 * before the command connection at shutdown. Channels live in the module's namespace.
 *
 * Delivery is Redis pub/sub's: at most once, and messages published while the subscriber is
 * disconnected are lost. Use a queue for work that must not be lost.
 *
 * The number of distinct channels subscribed at once is capped (`patterns.pubSubMaxChannels`,
 * default 1,000): every channel costs memory here and on Redis for as long as it is subscribed,
 * so a channel name that comes from a request must never grow the set without bound.
 */
@Injectable()
export class PubSubService {
  private readonly logger = new Logger('PubSubService');
  private readonly log: RateLimitedLogger;
  private subscriber: RedisClient | null = null;
  /** Redis channel → logical name and handlers. */
  private readonly subscriptions = new Map<
    string,
    { name: string; handlers: Set<MessageHandler<unknown>> }
  >();
  /** Redis channels whose SUBSCRIBE has not been acknowledged yet (retried on ready). */
  private readonly unconfirmed = new Set<string>();
  /**
   * Redis channels left while the connection was down: ioredis resubscribes them with the
   * connection, so UNSUBSCRIBE is sent again once it is back.
   */
  private readonly unconfirmedLeaves = new Set<string>();
  private gapStartedAt: number | null = null;
  private closed = false;
  /** Most distinct channels subscribed at once (`patterns.pubSubMaxChannels`). */
  private readonly maxChannels: number;
  private readonly stats = {
    published: 0,
    received: 0,
    decodeErrors: 0,
    handlerErrors: 0,
    reconnectGaps: 0,
    lastGapMs: null as number | null,
    refusedSubscriptions: 0,
  };

  constructor(private readonly redis: RedisService) {
    this.log = new RateLimitedLogger(this.logger, redis.settings.logIntervalMs);
    this.maxChannels = resolvePatternsOptions(
      redis.settings.patterns,
      redis.settings.commandTimeoutMs,
    ).pubSubMaxChannels;
  }

  /**
   * Publishes `payload` (as JSON) on `channel`. Returns how many subscriber connections received
   * it.
   *
   * @throws RedisUnavailableError, RedisTimeoutError, RedisCommandError when Redis cannot answer.
   */
  async publish<T>(channel: Channel<T>, payload: T): Promise<number> {
    const redisChannel = this.redisChannel(channel.name);
    const message = JSON.stringify(payload);
    const receivers = await this.redis.execute(
      { operation: 'pubsub.publish', key: channel.name },
      (client) => client.publish(redisChannel, message),
    );
    this.stats.published += 1;
    return Number(receivers);
  }

  /**
   * Calls `handler` with every message published on `channel` from now on. Returns a function
   * that removes the handler. The subscription is registered at once and survives reconnects;
   * the returned promise settles when Redis has acknowledged it, or after the command timeout
   * if Redis is away (the subscription is then made as soon as the connection is back).
   * Resolves without subscribing when caching is disabled.
   *
   * @throws PubSubLimitError when `channel` is not subscribed yet and this process already is
   *   to `patterns.pubSubMaxChannels` distinct channels (logged, at most once per log interval).
   *   Another handler on a channel already subscribed is always accepted.
   */
  async subscribe<T>(
    channel: Channel<T>,
    handler: MessageHandler<T>,
  ): Promise<() => Promise<void>> {
    const redisChannel = this.redisChannel(channel.name);
    let entry = this.subscriptions.get(redisChannel);
    const isNew = entry === undefined;
    if (!entry) {
      if (this.subscriptions.size >= this.maxChannels) throw this.refuse();
      entry = { name: channel.name, handlers: new Set() };
      this.subscriptions.set(redisChannel, entry);
      this.unconfirmedLeaves.delete(redisChannel);
    }
    entry.handlers.add(handler as MessageHandler<unknown>);
    const unsubscribe = () => this.unsubscribe(redisChannel, handler as MessageHandler<unknown>);
    const subscriber = this.ensureSubscriber();
    if (subscriber && isNew) {
      this.unconfirmed.add(redisChannel);
      await this.sendSubscribe(subscriber, [redisChannel]);
    }
    return unsubscribe;
  }

  /** Counters since start. */
  getStats(): PubSubStats {
    return {
      ...this.stats,
      connected: this.subscriber?.status === 'ready',
      channels: [...this.subscriptions.values()].map((s) => s.name),
      maxChannels: this.maxChannels,
    };
  }

  /**
   * The dedicated subscriber connection, when one is open (for tests and diagnostics; do not
   * send commands on it).
   */
  get subscriberClient(): RedisClient | null {
    return this.subscriber;
  }

  /** The Redis channel of a logical channel name; override to change the layout. */
  protected redisChannel(name: string): string {
    return this.redis.namespace.toRedisKey(`channel:${name}`);
  }

  /** Counts and logs a subscription refused at the cap (the cap only: never a name or payload). */
  private refuse(): PubSubLimitError {
    this.stats.refusedSubscriptions += 1;
    const error = new PubSubLimitError(this.maxChannels);
    this.log.warn('channel limit', error.message);
    return error;
  }

  private ensureSubscriber(): RedisClient | null {
    if (this.subscriber || this.closed) return this.subscriber;
    const subscriber = this.redis.createClient('subscriber', {
      autoResubscribe: true,
      // Lets SUBSCRIBE wait for the connection instead of failing while it (re)connects.
      enableOfflineQueue: true,
    });
    if (!subscriber) return null;
    this.subscriber = subscriber;
    subscriber.on('message', (redisChannel: string, message: string) =>
      this.dispatch(redisChannel, message),
    );
    subscriber.on('ready', () => {
      if (this.gapStartedAt !== null) {
        this.stats.reconnectGaps += 1;
        this.stats.lastGapMs = Date.now() - this.gapStartedAt;
        this.gapStartedAt = null;
      }
      if (this.unconfirmed.size > 0) void this.sendSubscribe(subscriber, [...this.unconfirmed]);
      // After ioredis's own resubscription, which follows this event in the same turn.
      if (this.unconfirmedLeaves.size > 0) {
        setImmediate(() => void this.sendUnsubscribe(subscriber, [...this.unconfirmedLeaves]));
      }
    });
    subscriber.on('close', () => {
      if (!this.closed && this.gapStartedAt === null) this.gapStartedAt = Date.now();
    });
    subscriber.on('error', (error: Error) => {
      this.log.warn('subscriber', `subscriber connection: ${error.message}`);
    });
    subscriber.connect().catch(() => {
      // Reconnection continues in the background.
    });
    this.redis.onShutdown('pub/sub subscriber', () => this.close());
    return subscriber;
  }

  private sendSubscribe(subscriber: RedisClient, channels: string[]): Promise<void> {
    const sent = subscriber.subscribe(...channels).then(() => {
      for (const c of channels) this.unconfirmed.delete(c);
    });
    return this.withinCommandTimeout(sent);
  }

  /** UNSUBSCRIBE; a channel whose command was lost with the connection is left again later. */
  private sendUnsubscribe(subscriber: RedisClient, channels: string[]): Promise<void> {
    const sent = subscriber.unsubscribe(...channels).then(
      () => {
        for (const c of channels) this.unconfirmedLeaves.delete(c);
      },
      () => {
        for (const c of channels) if (!this.subscriptions.has(c)) this.unconfirmedLeaves.add(c);
      },
    );
    return this.withinCommandTimeout(sent);
  }

  /** Waits for `sent` at most the command timeout; never throws. */
  private async withinCommandTimeout(sent: Promise<void>): Promise<void> {
    sent.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      sent,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.redis.settings.commandTimeoutMs);
      }),
    ]).catch(() => undefined);
    clearTimeout(timer);
  }

  private async unsubscribe(redisChannel: string, handler: MessageHandler<unknown>): Promise<void> {
    const entry = this.subscriptions.get(redisChannel);
    if (!entry) return;
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0) return;
    this.subscriptions.delete(redisChannel);
    this.unconfirmed.delete(redisChannel);
    if (!this.subscriber || this.closed) return;
    await this.sendUnsubscribe(this.subscriber, [redisChannel]);
  }

  private dispatch(redisChannel: string, message: string): void {
    const entry = this.subscriptions.get(redisChannel);
    if (!entry) return;
    this.stats.received += 1;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      this.stats.decodeErrors += 1;
      this.log.warn('decode', `message on ${entry.name} is not JSON; dropped`);
      return;
    }
    for (const handler of entry.handlers) {
      try {
        const result = handler(payload, entry.name);
        if (result instanceof Promise)
          result.catch((error: unknown) => this.handlerFailed(entry.name, error));
      } catch (error) {
        this.handlerFailed(entry.name, error);
      }
    }
  }

  private handlerFailed(channel: string, error: unknown): void {
    this.stats.handlerErrors += 1;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn(`handler:${channel}`, `a handler of ${channel} failed: ${reason}`);
  }

  private async close(): Promise<void> {
    this.closed = true;
    const subscriber = this.subscriber;
    if (!subscriber) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        subscriber.quit(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, this.redis.settings.commandTimeoutMs);
        }),
      ]);
    } catch {
      // Quitting a connection that is down fails; disconnecting below is enough.
    } finally {
      clearTimeout(timer);
      subscriber.disconnect();
    }
  }
}
