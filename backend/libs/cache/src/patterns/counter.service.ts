import { Injectable } from '@nestjs/common';
import type { RedisService } from '../connection/redis.service.js';
import { StateRedis } from '../connection/state-redis.js';
import { COUNTER_SCRIPT } from './counter.script.js';

/** Options of a counter change. */
export interface CounterOptions {
  /**
   * Expiry given to the counter when it has none (its first change), in seconds: a counter per
   * minute lives one minute. Later changes keep the running expiry. Default none.
   */
  ttlSeconds?: number;
}

/**
 * Atomic counters under `counter:<name>`. Every change is one Lua script (INCRBY plus the
 * optional expiry), so concurrent changes from any number of processes never lose an update.
 * Unlike cache reads, failures are not hidden: a counter that silently stays at 0 would be a lie.
 */
@Injectable()
export class CounterService {
  private readonly redis: RedisService;

  constructor(state: StateRedis) {
    this.redis = state.redis;
  }

  /**
   * Adds `by` (default 1, a whole number) to `name` and returns the new value.
   *
   * @throws RedisUnavailableError, RedisTimeoutError, RedisCommandError when Redis cannot answer.
   */
  increment(name: string, by = 1, options: CounterOptions = {}): Promise<number> {
    return this.change(name, by, options);
  }

  /**
   * Subtracts `by` (default 1) from `name` and returns the new value.
   *
   * @throws the same errors as {@link CounterService.increment}
   */
  decrement(name: string, by = 1, options: CounterOptions = {}): Promise<number> {
    return this.change(name, -by, options);
  }

  /**
   * The current value (0 when the counter does not exist).
   *
   * @throws the same errors as {@link CounterService.increment}
   */
  async value(name: string): Promise<number> {
    const key = this.redisKey(name);
    const text = await this.redis.execute({ operation: 'counter.value', key: name }, (client) =>
      client.get(key),
    );
    return text === null ? 0 : Number(text);
  }

  /**
   * Deletes the counter. Returns whether it existed.
   *
   * @throws the same errors as {@link CounterService.increment}
   */
  async reset(name: string): Promise<boolean> {
    const key = this.redisKey(name);
    const deleted = await this.redis.execute({ operation: 'counter.reset', key: name }, (client) =>
      client.unlink(key),
    );
    return deleted === 1;
  }

  /** The Redis key of a counter; override to change the layout. */
  protected redisKey(name: string): string {
    return this.redis.namespace.toRedisKey(`counter:${name}`);
  }

  private async change(name: string, by: number, options: CounterOptions): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new RangeError('by must be a safe whole number');
    const ttlSeconds = options.ttlSeconds;
    if (ttlSeconds !== undefined && !(ttlSeconds > 0)) {
      throw new RangeError('ttlSeconds must be a positive number');
    }
    const ttlMs = ttlSeconds === undefined ? 0 : Math.max(1, Math.round(ttlSeconds * 1000));
    const key = this.redisKey(name);
    const reply = await this.redis.execute({ operation: 'counter.change', key: name }, (client) =>
      COUNTER_SCRIPT.run(client, [key], [by, ttlMs]),
    );
    return Number(reply);
  }
}
