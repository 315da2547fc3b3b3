import { Controller, Get, Module, Param, Put, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { CacheEvict, CacheModule, Cacheable, type HttpCacheContext } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../../support/cache-test-app.js';
import { productConnection } from '../../support/product-user.js';
import { rawRequest } from '../../support/raw-request.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * README (Consistency): "A read … that starts after a write or an invalidation of its key
 * returned (… `@CacheEvict` …, in this process or any other) never returns a value whose load
 * began before that write or invalidation began" (another process: once it starts δ after).
 *
 * A careless client: `PUT /doc/1` (answered 200 after its `@CacheEvict`), then at once
 * `GET /doc/1`, on the same process and on another one behind the same load balancer, while
 * both hold the old response in memory. The HTTP round trip of the PUT's answer is the δ.
 * Regression guard for the synchronous memory-hit path (`CacheInterceptor.heldResponse`).
 */
const versions = new Map<string, number>(); // the "database", shared by both processes

@Controller('doc')
class DocController {
  @Get(':id')
  @Cacheable({ ttlSeconds: 60, tags: ({ params }: HttpCacheContext) => [`doc:${params.id ?? ''}`] })
  read(@Param('id') id: string) {
    return { id, version: versions.get(id) ?? 0 };
  }

  @Put(':id')
  @CacheEvict({ tags: ({ params }: HttpCacheContext) => [`doc:${params.id ?? ''}`] })
  write(@Param('id') id: string) {
    versions.set(id, (versions.get(id) ?? 0) + 1);
    return { ok: true };
  }
}

async function startPeer(
  adapter: HttpAdapterName,
  redisUrl: string,
  keyPrefix: string,
): Promise<{ app: INestApplication; baseUrl: string }> {
  const connection = await productConnection(redisUrl, keyPrefix);
  @Module({
    imports: [CacheModule.forRoot({ connection, keyPrefix })],
    controllers: [DocController],
  })
  class PeerModule {}
  const app = await NestFactory.create(
    PeerModule,
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): { port: number } }).address();
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

const adapters: HttpAdapterName[] = ['express', 'fastify'];

describe.each(adapters)('adversarial: PUT with @CacheEvict, then GET at once, on %s', (adapter) => {
  let a: CacheTestApp;
  let b: { app: INestApplication; baseUrl: string };
  const keyPrefix = `ev${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    a = await startCacheTestApp({
      adapter,
      controllers: [DocController],
      cacheOptions: { keyPrefix },
    });
    b = await startPeer(adapter, a.server.url, keyPrefix);
    await waitFor(() => a.cache.memoryTier.mechanism === 'tracking', { what: 'A armed' });
  });

  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  /** GETs `path` on `baseUrl` until it is a HIT (held in memory after the miss). */
  async function warm(baseUrl: string, path: string): Promise<number> {
    let version = -1;
    await waitFor(
      async () => {
        const r = await rawRequest(baseUrl, path);
        version = r.json<{ version: number }>().version;
        return r.header('x-cache') === 'HIT';
      },
      { intervalMs: 5, what: `${path} cached on ${baseUrl}` },
    );
    return version;
  }

  it('same process: 25 rounds, the GET right after the PUT never answers the old version', async () => {
    const stale: string[] = [];
    for (let round = 0; round < 25; round += 1) {
      const path = `/doc/same-${adapter}`;
      const before = await warm(a.baseUrl, path);
      const put = await rawRequest(a.baseUrl, path, { method: 'PUT' });
      expect(put.status).toBe(200);
      const after = await rawRequest(a.baseUrl, path);
      const version = after.json<{ version: number }>().version;
      if (version !== before + 1)
        stale.push(`round ${round}: ${version} (${after.header('x-cache')})`);
    }
    expect(stale).toEqual([]);
  });

  it('other process: 25 rounds, the GET on B right after the PUT on A never answers the old version', async () => {
    const stale: string[] = [];
    for (let round = 0; round < 25; round += 1) {
      const path = `/doc/other-${adapter}`;
      const before = await warm(b.baseUrl, path);
      const put = await rawRequest(a.baseUrl, path, { method: 'PUT' });
      expect(put.status).toBe(200);
      const after = await rawRequest(b.baseUrl, path);
      const version = after.json<{ version: number }>().version;
      if (version !== before + 1)
        stale.push(`round ${round}: ${version} (${after.header('x-cache')})`);
    }
    expect(stale).toEqual([]);
  });
});
