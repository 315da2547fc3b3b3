import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory.js';
import { CacheService, RedisService } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { freePort } from './free-port.js';
import { productEnv } from './product-user.js';
import type { RedisServer } from './redis-server.js';

/** A started backend under test. */
export interface TestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  redis: RedisService;
  cache: CacheService;
  /** `fetch` relative to the base URL. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Fluent builder of a backend under test:
 * `await createTestApp().withRedis(server).withEnv({ … }).start()`.
 * Without `withRedis`, Redis points at a port where nothing listens (never the shared 6379).
 */
export class TestAppBuilder {
  private env: Record<string, string> = {};
  private adapter: HttpAdapterName = 'express';
  private redisUrl: string | undefined;
  private memoryOnly = false;

  /** No `REDIS_*` variable at all: the backend runs memory-only. */
  withoutRedis(): this {
    this.memoryOnly = true;
    return this;
  }

  withRedis(server: RedisServer | string): this {
    this.redisUrl = typeof server === 'string' ? server : server.url;
    return this;
  }

  withEnv(env: Record<string, string>): this {
    this.env = { ...this.env, ...env };
    return this;
  }

  withAdapter(adapter: HttpAdapterName): this {
    this.adapter = adapter;
    return this;
  }

  async start(): Promise<TestApp> {
    const base = {
      NODE_ENV: 'test',
      CACHE_KEY_PREFIX: `t${Math.random().toString(36).slice(2, 8)}`,
      DEMO_DB_LATENCY_MS: '20',
      SHUTDOWN_GRACE_MS: '0',
    };
    const redisUrl = this.redisUrl ?? `redis://127.0.0.1:${await freePort()}`;
    const env = this.memoryOnly
      ? { ...base, ...this.env }
      : await productEnv({ ...base, REDIS_URL: redisUrl, ...this.env });
    const app = await createApp({ env, adapter: this.adapter, readEnvFile: false, logger: false });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as { address(): { port: number } };
    const address = server.address();
    const baseUrl = `http://127.0.0.1:${address.port}`;
    return {
      app,
      baseUrl,
      redis: app.get(RedisService),
      cache: app.get(CacheService),
      request: (path, init) => fetch(`${baseUrl}${path}`, init),
      close: () => app.close(),
    };
  }
}

export function createTestApp(): TestAppBuilder {
  return new TestAppBuilder();
}
