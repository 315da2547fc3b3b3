import { Controller, Get, Param } from '@nestjs/common';
import { Cacheable } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../../support/cache-test-app.js';
import { rawRequest } from '../../support/raw-request.js';
import { sleep, waitFor } from '../../support/wait-for.js';

/**
 * README (HTTP rules): "HEAD is answered from the GET entry"; "Routes that do not opt in run
 * their handler for the request that finds the entry expired"; on a route with
 * `staleWhileRevalidateSeconds` "a stale entry is then answered at once with `X-Cache: STALE`";
 * "A hit adds `Age` and `X-Cache: HIT`".
 *
 * A HEAD goes through `CacheService.get`, which returns an entry as long as it may be served
 * stale, and is sent as `HIT`: after the TTL, a HEAD on a route with `graceSeconds` (its
 * handler did not fail) or with `staleWhileRevalidateSeconds` answers `X-Cache: HIT` with the
 * old `ETag`, and no refresh starts, while a GET at the same moment runs the handler (grace
 * route) or answers `STALE`. A client or CDN that HEADs to revalidate is told an expired
 * response is a fresh hit.
 */
const runs = new Map<string, number>();
const run = (id: string) => {
  const n = (runs.get(id) ?? 0) + 1;
  runs.set(id, n);
  return n;
};

@Controller('hx')
class HeadController {
  @Get('grace/:id')
  @Cacheable({ ttlSeconds: 1, graceSeconds: 60 })
  grace(@Param('id') id: string) {
    return { id, run: run(`grace-${id}`) };
  }

  @Get('swr/:id')
  @Cacheable({ ttlSeconds: 1, staleWhileRevalidateSeconds: 60 })
  swr(@Param('id') id: string) {
    return { id, run: run(`swr-${id}`) };
  }
}

const adapters: HttpAdapterName[] = ['express', 'fastify'];

describe.each(adapters)('adversarial: HEAD of an expired entry on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({ adapter, controllers: [HeadController] });
    await waitFor(() => t.cache.memoryTier.mechanism === 'tracking', { what: 'tier armed' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('grace route, handler healthy: a HEAD after the TTL is not a HIT of the expired entry', async () => {
    const path = `/hx/grace/${adapter}`;
    const miss = await rawRequest(t.baseUrl, path);
    expect(miss.header('x-cache')).toBe('MISS');
    await sleep(1_300); // ttlSeconds: 1 (jitter only shortens it)

    const head = await rawRequest(t.baseUrl, path, { method: 'HEAD' });
    const get = await rawRequest(t.baseUrl, path);
    process.stdout.write(
      `[${adapter}] grace: HEAD ${head.header('x-cache')} etag ${head.header('etag')}; ` +
        `GET ${get.header('x-cache')} etag ${get.header('etag')} run ${get.json<{ run: number }>().run}\n`,
    );
    expect(get.header('x-cache')).toBe('MISS'); // the GET ran the handler: the entry was expired
    expect(head.header('x-cache')).not.toBe('HIT');
  });

  it('stale-while-revalidate route: a HEAD of a stale entry says STALE, as the GET does', async () => {
    const path = `/hx/swr/${adapter}`;
    const miss = await rawRequest(t.baseUrl, path);
    expect(miss.header('x-cache')).toBe('MISS');
    await sleep(1_300);

    const head = await rawRequest(t.baseUrl, path, { method: 'HEAD' });
    const get = await rawRequest(t.baseUrl, path);
    expect(get.header('x-cache')).toBe('STALE');
    expect(head.header('x-cache')).toBe('STALE');
  });
});
