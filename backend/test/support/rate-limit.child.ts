/**
 * A separate process with its own Nest context, RedisService and RateLimiterService, driven
 * over IPC by the rate-limit fault test: `burst` fires `count` checks at once and reports how
 * many were admitted.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  CacheModule,
  RateLimiterService,
  RedisService,
  parseRedisUrl,
} from 'nestjs-coherent-cache';

interface Request {
  id: number;
  type: 'ready' | 'burst' | 'exit';
  key?: string;
  count?: number;
  limit?: number;
  windowSeconds?: number;
}

async function main(): Promise<void> {
  const context = await NestFactory.createApplicationContext(
    CacheModule.forRoot({
      connection: parseRedisUrl(process.env.REDIS_URL ?? ''),
      keyPrefix: process.env.KEY_PREFIX ?? 'child',
    }),
    { logger: false },
  );
  const redis = context.get(RedisService);
  const limiter = context.get(RateLimiterService);
  const reply = (id: number, body: unknown) => process.send?.({ id, reply: body });

  process.on('message', (message: Request) => {
    void (async () => {
      switch (message.type) {
        case 'ready': {
          const deadline = Date.now() + 10_000;
          while (!redis.isAvailable && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          reply(message.id, { ready: redis.isAvailable });
          return;
        }
        case 'burst': {
          const results = await Promise.all(
            Array.from({ length: message.count ?? 0 }, () =>
              limiter.check(message.key ?? 'k', message.limit ?? 1, message.windowSeconds ?? 1),
            ),
          );
          reply(message.id, {
            accepted: results.filter((r) => r.allowed).length,
            fallback: results.filter((r) => r.source === 'fallback').length,
          });
          return;
        }
        case 'exit':
          await context.close();
          process.exit(0);
      }
    })();
  });
}

void main();
