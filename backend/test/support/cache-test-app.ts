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
} from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { productConnection } from './product-user.js';
import { RedisServer, type RedisServerOptions } from './redis-server.js';
import { waitFor } from './wait-for.js';

/**
 * A small Nest app of the cache module and the given controllers, on Express or Fastify, with
 * a redis-server of its own that `close()` stops.
 */
export interface CacheTestApp {
  app: INestApplication;
  /** The app's own redis-server (kill, restart and `cli` it at will). */
  server: RedisServer;
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
  /** Options of the app's redis-server (e.g. `args: ['--maxmemory', '20mb']`). */
  redis?: RedisServerOptions;
  controllers: Type[];
  providers?: Provider[];
  cacheOptions?: Partial<CacheModuleOptions>;
  /** Receives the app's log lines (default: none are written). */
  logger?: LoggerService;
}): Promise<CacheTestApp> {
  const keyPrefix = options.cacheOptions?.keyPrefix ?? `t${Math.random().toString(36).slice(2, 8)}`;
  const server = await RedisServer.start(options.redis);
  const connection = await productConnection(server.url, keyPrefix);
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
    server,
    baseUrl,
    cache: app.get(CacheService),
    redis,
    request: (path, init) => fetch(`${baseUrl}${path}`, init),
    storedHttpKeys: async (fragment) => {
      const keys: string[] = [];
      // CacheService lists its entries wherever the keyspace puts them (never its bookkeeping).
      for await (const key of app.get(CacheService).keys('http:')) {
        if (key.includes(fragment)) keys.push(key);
      }
      return keys;
    },
    close: async () => {
      await app.close();
      await server.stop();
    },
  };
}
