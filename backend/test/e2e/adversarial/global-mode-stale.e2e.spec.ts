/**
 * Adversarial (issue 12, "Global mode is safe by default"): with `CacheInterceptor` as a global
 * interceptor on the reference backend (the README offers it, and the issue asks that every
 * route, events and jobs included, "stay correct"), reference GET routes that read live state
 * and declare neither `@NoCache()` nor tags are stored as shared responses for the default TTL.
 * A read after a write returns the state from before the write:
 *
 * - `GET /videos/:id/stats` after `POST /videos/:id/views` (the service-level `@CacheEvict`
 *   evicts the service entry, not the HTTP entry the global interceptor stored);
 * - `GET /events/:channel` after `POST /events/:channel` delivered a message.
 *
 * The Consistency contract ("a read that starts after a write returned never returns a value
 * whose load began before that write") is broken by the reference backend itself.
 */
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../../src/app.factory.js';
import { CacheInterceptor, RedisService } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../../src/config/index.js';
import { productEnv } from '../../support/product-user.js';
import { RedisServer } from '../../support/redis-server.js';
import { sleep, waitFor } from '../../support/wait-for.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

async function startGlobalBackend(
  adapter: HttpAdapterName,
  server: RedisServer,
): Promise<{ app: INestApplication; baseUrl: string }> {
  const env = await productEnv({
    NODE_ENV: 'test',
    REDIS_URL: server.url,
    CACHE_KEY_PREFIX: `t${Math.random().toString(36).slice(2, 8)}`,
    DEMO_DB_LATENCY_MS: '1',
    SHUTDOWN_GRACE_MS: '0',
  });
  const app = await createApp({ env, adapter, readEnvFile: false, logger: false });
  app.useGlobalInterceptors(app.get(CacheInterceptor));
  await app.listen(0, '127.0.0.1');
  const redis = app.get(RedisService);
  await waitFor(() => redis.isAvailable, { what: 'Redis ready' });
  const { port } = (app.getHttpServer() as { address(): { port: number } }).address();
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

describe.each(adapters)(
  'Reference backend, CacheInterceptor global, on %s: reads after writes',
  (adapter) => {
    let server: RedisServer;
    let app: INestApplication;
    let baseUrl: string;

    beforeAll(async () => {
      server = await RedisServer.start();
      ({ app, baseUrl } = await startGlobalBackend(adapter, server));
    });

    afterAll(async () => {
      await app.close();
      await server.stop();
    });

    it('GET /videos/:id/stats counts the view POST /videos/:id/views just recorded', async () => {
      const stats = async () => {
        const response = await fetch(`${baseUrl}/videos/adv-global/stats`);
        const body = (await response.json()) as { views: number };
        return { views: body.views, xCache: response.headers.get('x-cache') };
      };
      const before = await stats();
      const view = await fetch(`${baseUrl}/videos/adv-global/views`, { method: 'POST' });
      expect(view.status).toBe(200);
      expect(((await view.json()) as { views: number }).views).toBe(1);
      const after = await stats();
      process.stdout.write(
        `[${adapter}] global mode: stats before ${before.views} (${before.xCache}), POST /views answered 1, ` +
          `stats after ${after.views} (${after.xCache})\n`,
      );
      expect(before.views).toBe(0);
      expect(after.views).toBe(1);
    });

    it('GET /events/:channel counts the message POST /events/:channel just delivered', async () => {
      const received = async () => {
        const response = await fetch(`${baseUrl}/events/alerts`);
        const body = (await response.json()) as { received: number };
        return { received: body.received, xCache: response.headers.get('x-cache') };
      };
      const before = await received();
      const published = await fetch(`${baseUrl}/events/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hello' }),
      });
      expect(published.status).toBe(202);
      expect(((await published.json()) as { receivers: number }).receivers).toBeGreaterThan(0);
      // Delivery is asynchronous: give it ample time (the count stays 0 only if cached).
      let after = await received();
      const deadline = Date.now() + 5_000;
      while (after.received === 0 && Date.now() < deadline) {
        await sleep(100);
        after = await received();
      }
      process.stdout.write(
        `[${adapter}] global mode: /events/alerts received before ${before.received} (${before.xCache}), ` +
          `after a delivered POST ${after.received} (${after.xCache})\n`,
      );
      expect(before.received).toBe(0);
      expect(after.received).toBe(1);
    });
  },
);
