import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheModule, type CacheModuleOptions } from 'nestjs-coherent-cache';
import { RedisHealthIndicator, RedisHealthModule } from 'nestjs-coherent-cache/health';
import { productConnection } from '../support/product-user.js';
import { rawRequest } from '../support/raw-request.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

interface TerminusReport {
  status: string;
  info?: Record<string, { status: string; [field: string]: unknown }>;
  error?: Record<string, { status: string; [field: string]: unknown }>;
}

async function boot(
  cacheOptions: CacheModuleOptions,
  health: Parameters<typeof RedisHealthModule.forRoot>[0],
): Promise<{ app: INestApplication; baseUrl: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot(cacheOptions), RedisHealthModule.forRoot(health)],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: await app.getUrl() };
}

describe('RedisHealthModule: opt-in health checks of the cache Redis', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves GET /health: 200 up with Redis, 503 down within the probe deadline when it dies', async () => {
    const keyPrefix = `hm${Math.random().toString(36).slice(2, 8)}`;
    const connection = await productConnection(server.url, keyPrefix);
    const { app, baseUrl } = await boot({ connection, keyPrefix }, { timeoutMs: 300 });
    try {
      let up: TerminusReport | undefined;
      await waitFor(
        async () => {
          const res = await rawRequest(baseUrl, '/health');
          up = res.json<TerminusReport>();
          return res.status === 200;
        },
        { what: '/health to answer 200' },
      );
      expect(up?.info?.redis?.status).toBe('up');
      expect(up?.info?.redis?.mode).toBe('standalone');

      await server.kill();
      const started = Date.now();
      const down = await rawRequest(baseUrl, '/health');
      const tookMs = Date.now() - started;
      expect(down.status).toBe(503);
      expect(down.json<TerminusReport>().error?.redis?.status).toBe('down');
      expect(tookMs).toBeLessThan(1_500);
    } finally {
      await app.close();
      await server.restart();
    }
  });

  it('memory-only: up with configured false, on the path given', async () => {
    const { app, baseUrl } = await boot({}, { path: 'ready', key: 'cache' });
    try {
      const res = await rawRequest(baseUrl, '/ready');
      expect(res.status).toBe(200);
      expect(res.json<TerminusReport>().info?.cache).toMatchObject({
        status: 'up',
        configured: false,
        mode: 'memory',
      });
      expect((await rawRequest(baseUrl, '/health')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('path false: no route, the indicator is injectable for an own controller', async () => {
    const { app, baseUrl } = await boot({}, { path: false });
    try {
      expect((await rawRequest(baseUrl, '/health')).status).toBe(404);
      const result = await app.get(RedisHealthIndicator).isHealthy('redis');
      expect(result.redis?.status).toBe('up');
    } finally {
      await app.close();
    }
  });
});
