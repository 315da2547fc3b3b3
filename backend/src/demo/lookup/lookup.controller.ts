import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { RedisService, NoCache } from 'nestjs-coherent-cache';
import { InjectAppConfig, type AppConfig } from '../../config/index.js';
import { sleep } from '../../queue/deadline.js';

/** What `GET /demo/lookup/:id` answers. */
export interface LookupAnswer {
  id: number;
  value: string;
  /** `hit` when served from Redis, `miss` when loaded. */
  source: 'hit' | 'miss';
}

/**
 * `GET /demo/lookup/:id`: a read-through lookup written directly on `RedisService.get/set`
 * (one cache read, and on a miss a simulated database read of `DEMO_DB_LATENCY_MS` and a cache
 * write). Its reads are counted by `redis_hits_total` and `redis_misses_total` on `/metrics`.
 */
// Live state: never cached, even with CacheInterceptor applied globally.
@NoCache()
@Controller('demo/lookup')
export class LookupController {
  constructor(
    private readonly redis: RedisService,
    @InjectAppConfig() private readonly config: AppConfig,
  ) {}

  @Get(':id')
  async lookup(@Param('id', ParseIntPipe) id: number): Promise<LookupAnswer> {
    const key = `lookup:${id}`;
    const cached = await this.redis.get<string>(key);
    if (cached !== null) return { id, value: cached, source: 'hit' };
    await sleep(this.config.demo.dbLatencyMs);
    const value = `value-${id}`;
    await this.redis.set(key, value, 60);
    return { id, value, source: 'miss' };
  }
}
