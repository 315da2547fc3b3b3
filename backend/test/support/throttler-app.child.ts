/**
 * A Nest HTTP app of its own process: `CacheModule` and `@nestjs/throttler`'s `ThrottlerModule`
 * on `RedisThrottlerStorage`, with `ThrottlerGuard` on every route, driven over IPC by the
 * throttler e2e test. A process of its own because `@nestjs/throttler` is CommonJS requiring the
 * ES-module-only `@nestjs/common`, which Node loads and Jest's module registry does not.
 *
 * The tracker is the `x-client` header, so that each test counts against a client of its own.
 * Requests: `ready` (answers the port once Redis is ready), `increment` (calls the storage
 * directly, with `failClosed` optionally, and answers the record or the error's name), `exit`.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { Throttle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import {
  CacheModule,
  RateLimiterService,
  RedisService,
  parseRedisUrl,
} from 'nestjs-coherent-cache';
import { RedisThrottlerStorage } from 'nestjs-coherent-cache/throttler';

/** The header a request's client (the throttler's tracker) is read from. */
export const CLIENT_HEADER = 'x-client';

interface Request {
  id: number;
  type: 'ready' | 'increment' | 'exit';
  key?: string;
  ttl?: number;
  limit?: number;
  blockDuration?: number;
  failClosed?: boolean;
}

@Controller()
class ThrottledController {
  /** The module's throttler: 5 requests in any 1 s (a refusal blocks for 1 s, the default). */
  @Get('throttled')
  throttled(): { ok: true } {
    return { ok: true };
  }

  /** 2 requests in any 500 ms; a refusal blocks the client for 2 s. */
  @Get('blocking')
  @Throttle({ default: { limit: 2, ttl: 500, blockDuration: 2_000 } })
  blocking(): { ok: true } {
    return { ok: true };
  }
}

async function main(): Promise<void> {
  const connection = parseRedisUrl(process.env.REDIS_URL ?? '');
  if (process.env.REDIS_USERNAME) connection.username = process.env.REDIS_USERNAME;
  if (process.env.REDIS_PASSWORD) connection.password = process.env.REDIS_PASSWORD;

  @Module({
    imports: [
      CacheModule.forRoot({ connection, keyPrefix: process.env.CACHE_KEY_PREFIX ?? 'child' }),
      ThrottlerModule.forRootAsync({
        inject: [RedisThrottlerStorage],
        useFactory: (storage: RedisThrottlerStorage) => ({
          throttlers: [{ ttl: 1_000, limit: 5 }],
          storage,
          getTracker: (req: Record<string, unknown>) => {
            const headers = req.headers as Record<string, string | undefined>;
            return headers[CLIENT_HEADER] ?? 'anonymous';
          },
        }),
      }),
    ],
    controllers: [ThrottledController],
    providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
  })
  class ThrottledAppModule {}

  const app = await NestFactory.create(ThrottledAppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): { port: number } }).address();
  const redis = app.get(RedisService);
  const storage = app.get(RedisThrottlerStorage);
  const strict = new RedisThrottlerStorage(app.get(RateLimiterService), { failClosed: true });
  const reply = (id: number, body: unknown) => process.send?.({ id, reply: body });

  process.on('message', (message: Request) => {
    void (async () => {
      switch (message.type) {
        case 'ready': {
          const deadline = Date.now() + 10_000;
          while (!redis.isAvailable && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          reply(message.id, { ready: redis.isAvailable, port });
          return;
        }
        case 'increment': {
          const startedAt = performance.now();
          try {
            const record = await (message.failClosed ? strict : storage).increment(
              message.key ?? 'probe',
              message.ttl ?? 1_000,
              message.limit ?? 5,
              message.blockDuration ?? 1_000,
              'default',
            );
            reply(message.id, { record, ms: performance.now() - startedAt });
          } catch (error) {
            reply(message.id, {
              error: error instanceof Error ? error.name : String(error),
              ms: performance.now() - startedAt,
            });
          }
          return;
        }
        case 'exit':
          await app.close();
          process.exit(0);
      }
    })();
  });
}

void main();
