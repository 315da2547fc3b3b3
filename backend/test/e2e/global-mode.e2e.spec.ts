/**
 * `CacheInterceptor` applied globally, as the README offers (issue 12, findings 2 and 3): a
 * response is shared only when no credential reached the handler, and streaming responses pass
 * through untouched.
 */
import type { INestApplication } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { createApp } from '../../src/app.factory.js';
import { CacheInterceptor, RedisService } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { storedResponseKeys } from '../support/http-entries.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { productEnv } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import {
  SSE_EVENTS,
  STREAMED_TEXT,
  StreamRoutesController,
  WhoAmIController,
} from './fixtures/global-mode.controller.js';
import { calls } from './fixtures/http-rules.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

/** The reference backend with `CacheInterceptor` on every route, listening on a free port. */
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

describe.each(adapters)('Reference backend, CacheInterceptor global, on %s', (adapter) => {
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

  async function login(token: string): Promise<string> {
    const response = await fetch(`${baseUrl}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { session: string }).session;
  }

  it('never gives Bob the session of Alice on GET /sessions/current (guard reads x-session)', async () => {
    const alice = await login('alice-token');
    const bob = await login('bob-token');
    const current = async (handle: string) => {
      const response = await fetch(`${baseUrl}/sessions/current`, {
        headers: { 'x-session': handle },
      });
      return {
        status: response.status,
        xCache: response.headers.get('x-cache'),
        body: (await response.json()) as { userId: string; session: string },
      };
    };
    const asAlice = await current(alice);
    const asBob = await current(bob);
    process.stdout.write(
      `[${adapter}] global mode, GET /sessions/current: Alice got ${asAlice.body.userId} (${asAlice.xCache}), ` +
        `Bob got ${asBob.body.userId} (${asBob.xCache}), Bob received Alice's handle: ${asBob.body.session === alice}\n`,
    );
    expect(asAlice.body.session).toBe(alice);
    expect(asBob.body.userId).toBe('bob');
    expect(asBob.body.session).toBe(bob);
    expect(asBob.xCache).not.toBe('HIT');
  });

  it('still caches an anonymous GET', async () => {
    await fetch(`${baseUrl}/products/7`);
    const again = await fetch(`${baseUrl}/products/7`);
    expect(again.headers.get('x-cache')).toBe('HIT');
  });
});

describe.each(adapters)('Fixture routes, CacheInterceptor global, on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [StreamRoutesController, WhoAmIController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: CacheInterceptor }],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it(`delivers every event of an @Sse route (${SSE_EVENTS}), twice`, async () => {
    const counts: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const response = await t.request('/streams/sse');
      const text = await response.text();
      counts.push(text.split('\n').filter((line) => line.startsWith('data:')).length);
    }
    process.stdout.write(`[${adapter}] global mode, @Sse events delivered: ${counts.join(', ')}\n`);
    expect(counts).toEqual([SSE_EVENTS, SSE_EVENTS]);
  });

  it('sends a StreamableFile as it is and stores nothing', async () => {
    const before = calls.of('file');
    for (let i = 0; i < 2; i += 1) {
      const response = await t.request('/streams/file');
      expect(await response.text()).toBe(STREAMED_TEXT);
      expect(response.headers.get('x-cache')).not.toBe('HIT');
    }
    expect(calls.of('file') - before).toBe(2);
    expect(await storedResponseKeys(t.cache, '/streams/file')).toEqual([]);
  });

  it('passes an Observable that emits more than once through, and stores nothing', async () => {
    const before = calls.of('multi');
    const first = await t.request('/streams/multi');
    const second = await t.request('/streams/multi');
    const bodies = [await first.text(), await second.text()];
    process.stdout.write(
      `[${adapter}] global mode, 3-emission Observable: bodies ${JSON.stringify(bodies)}, ` +
        `handler runs ${calls.of('multi') - before}, second X-Cache ${second.headers.get('x-cache')}\n`,
    );
    expect(bodies[0]).toMatch(/^last \d+$/);
    expect(bodies[1]).not.toBe(bodies[0]);
    expect(calls.of('multi') - before).toBe(2);
    expect(await storedResponseKeys(t.cache, '/streams/multi')).toEqual([]);
  });

  it('leaves a handler that writes the response itself (@Res()) alone', async () => {
    const before = calls.of('raw');
    for (let i = 0; i < 2; i += 1) {
      const response = await t.request('/streams/raw');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(STREAMED_TEXT);
    }
    expect(calls.of('raw') - before).toBe(2);
    expect(await storedResponseKeys(t.cache, '/streams/raw')).toEqual([]);
  });

  it('never shares a response built for request.user (set by a guard from no header)', async () => {
    const alice = await t.request('/whoami?as=alice');
    const bob = await t.request('/whoami?as=bob');
    const bobBody = (await bob.json()) as { user: string };
    process.stdout.write(
      `[${adapter}] global mode, guard sets request.user: Bob got ${bobBody.user} (${bob.headers.get('x-cache')})\n`,
    );
    expect(((await alice.json()) as { user: string }).user).toBe('alice');
    expect(bobBody.user).toBe('bob');
    expect(await storedResponseKeys(t.cache, '/whoami')).toEqual([]);
  });
});
