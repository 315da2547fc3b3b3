import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { CACHE_MODULE_OPTIONS } from '../cache.constants.js';
import type { RedisServiceOptions } from './redis-service.options.js';
import { parseRedisInfo } from '../health/redis-server-info.js';
import { RedisService } from './redis.service.js';
import { readServerInfo } from './server-info.js';

/** How long the startup check waits for the state Redis to be ready, in ms. */
const POLICY_CHECK_WAIT_MS = 10_000;

/**
 * The Redis that holds state which must never be evicted: sessions, rate-limit windows, locks
 * and counters. Its own connection when `stateConnection` is set (opened and closed here), else
 * the cache's. At startup it reads the server's `maxmemory-policy` and logs one warning when the
 * server may evict keys: under `allkeys-*` any key goes, under `volatile-*` any key with a TTL
 * (all of this state has one), so a cache flood could log users out or reset rate limits.
 */
@Injectable()
export class StateRedis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('StateRedis');
  /** The connection the patterns keep their state on. */
  readonly redis: RedisService;
  private readonly own: boolean;
  private closed = false;

  constructor(@Inject(CACHE_MODULE_OPTIONS) options: RedisServiceOptions, shared: RedisService) {
    this.own = options.stateConnection !== undefined && options.enabled !== false;
    this.redis =
      this.own && options.stateConnection
        ? new RedisService({ ...options, connection: options.stateConnection })
        : shared;
  }

  /** Whether the state lives on a connection of its own (`stateConnection`). */
  get separate(): boolean {
    return this.own;
  }

  onModuleInit(): void {
    if (this.own) this.redis.onModuleInit();
    void this.checkEvictionPolicy();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.own) await this.redis.onApplicationShutdown();
  }

  private async checkEvictionPolicy(): Promise<void> {
    const client = this.redis.getClient();
    if (!client) return;
    const readyBy = Date.now() + POLICY_CHECK_WAIT_MS;
    while (!this.redis.isAvailable && Date.now() < readyBy && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, 50).unref());
    }
    if (!this.redis.isAvailable || this.closed) return;
    const info = await readServerInfo(client).catch(() => null);
    if (info === null || !info.allowed) return;
    const policy = parseRedisInfo(info.text).maxmemoryPolicy;
    if (policy === undefined || policy === 'noeviction') return;
    this.logger.warn(
      `the Redis holding sessions, rate-limit windows, locks and counters has maxmemory-policy=${policy}: ` +
        'it may evict them (users logged out, limits reset). Give them a noeviction Redis ' +
        '(stateConnection, STATE_REDIS_URL in the reference backend)',
    );
  }
}
