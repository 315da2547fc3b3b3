import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  CacheModule,
  RateLimiterService,
  RedisService,
  parseRedisUrl,
} from 'nestjs-coherent-cache';
import { RedisServer } from '../test/support/redis-server.js';
import { percentile } from './measure.js';

const DECISIONS_PER_RUN = 20_000;
const KEYS = 50;
const LIMIT = 100;
const WINDOW_SECONDS = 1;

async function run(limiter: RateLimiterService, callers: number, total: number) {
  const latencies: number[] = [];
  let allowed = 0;
  let fallback = 0;
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        const i = next++;
        const sentAt = performance.now();
        const result = await limiter.check(`bench:${i % KEYS}`, LIMIT, WINDOW_SECONDS);
        latencies.push(performance.now() - sentAt);
        if (result.allowed) allowed += 1;
        if (result.source === 'fallback') fallback += 1;
      }
    }),
  );
  const elapsedS = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(total / elapsedS),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    allowed,
    fallback,
  };
}

/**
 * Rate limiter throughput and latency against its own `redis-server`: one Lua script per
 * decision (sliding-window log), 50 keys, limit 100 per 1 s window, with 1 and with 50
 * concurrent callers. Returns printable lines.
 */
export async function benchRateLimiter(): Promise<string[]> {
  const server = await RedisServer.start();
  const context = await NestFactory.createApplicationContext(
    CacheModule.forRoot({ connection: parseRedisUrl(server.url), keyPrefix: 'bench' }),
    { logger: false },
  );
  try {
    const redis = context.get(RedisService);
    const limiter = context.get(RateLimiterService);
    const readyBy = Date.now() + 10_000;
    while (!redis.isAvailable && Date.now() < readyBy) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await run(limiter, 10, 2_000); // warm-up: script loaded, JIT warm
    const lines = [
      `rate limiter (sliding-window Lua, ${KEYS} keys, limit ${LIMIT}/${WINDOW_SECONDS}s, ${DECISIONS_PER_RUN} decisions per run)`,
    ];
    for (const callers of [1, 50]) {
      const r = await run(limiter, callers, DECISIONS_PER_RUN);
      lines.push(
        `  ${String(callers).padStart(2)} caller${callers === 1 ? ' ' : 's'}: ${r.perSecond} decisions/s, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, admitted ${r.allowed}, fallback ${r.fallback}`,
      );
    }
    return lines;
  } finally {
    await context.close();
    await server.stop();
  }
}
