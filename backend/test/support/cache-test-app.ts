import {
  Module,
  type INestApplication,
  type LoggerService,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  CacheModule,
  CacheService,
  RedisService,
  type CacheModuleOptions,
} from '../../src/cache/index.js';
import type { HttpAdapterName } from '../../src/config/index.js';
import { productConnection } from './product-user.js';
import { waitFor } from './wait-for.js';

/** A small Nest app of the cache module and the given controllers, on Express or Fastify. */
export interface CacheTestApp {
  app: INestApplication;
  baseUrl: string;
  cache: CacheService;
  redis: RedisService;
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Logical keys stored under `http:` whose text contains `fragment`. */
  storedHttpKeys(fragment: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startCacheTestApp(options: {
  adapter: HttpAdapterName;
  redisUrl: string;
  controllers: Type[];
  providers?: Provider[];
  cacheOptions?: Partial<CacheModuleOptions>;
  /** Receives the app's log lines (default: none are written). */
  logger?: LoggerService;
}): Promise<CacheTestApp> {
  const keyPrefix = options.cacheOptions?.keyPrefix ?? `t${Math.random().toString(36).slice(2, 8)}`;
  const connection = await productConnection(options.redisUrl, keyPrefix);
  @Module({
    imports: [CacheModule.forRoot({ ...options.cacheOptions, connection, keyPrefix })],
    controllers: options.controllers,
    providers: options.providers ?? [],
  })
  class CacheTestModule {}

  const adapter = options.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(CacheTestModule, adapter, {
    logger: options.logger ?? false,
  });
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as { address(): { port: number } }).address();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const redis = app.get(RedisService);
  await waitFor(() => redis.isAvailable, { what: 'Redis ready' });
  return {
    app,
    baseUrl,
    cache: app.get(CacheService),
    redis,
    request: (path, init) => fetch(`${baseUrl}${path}`, init),
    storedHttpKeys: async (fragment) => {
      const keys: string[] = [];
      for await (const key of redis.scanKeys('http:')) if (key.includes(fragment)) keys.push(key);
      return keys;
    },
    close: () => app.close(),
  };
}
