import { Res, Sse, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { CacheService } from '../caching/cache.service.js';
import { RedisService } from '../connection/redis.service.js';
import { Cacheable } from '../decorators/cacheable.decorator.js';
import { CacheMetadataAccessor } from '../decorators/cache-metadata.accessor.js';
import { NoCache } from '../decorators/no-cache.decorator.js';
import { CacheInterceptor } from './cache.interceptor.js';

class Routes {
  @Cacheable(60)
  shared(): void {}

  @Cacheable({ ttlSeconds: 60, scope: 'user' })
  perUser(): void {}

  @Cacheable({ ttlSeconds: 60, varyHeaders: ['X-Tenant'] })
  perTenant(): void {}

  @NoCache()
  skipped(): void {}

  @Sse('events')
  events(): void {}

  @Cacheable(60)
  writesItself(@Res() _response: unknown): void {}

  undecorated(): void {}
}

/** An Express-like response that records headers. */
function fakeResponse() {
  const headers = new Map<string, string | string[]>();
  return {
    statusCode: 200,
    headers,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    getHeaders: () => Object.fromEntries(headers),
    setHeader: (name: string, value: string | string[]) =>
      void headers.set(name.toLowerCase(), value),
  };
}

interface FakeRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  user?: { id: string };
}

function context(
  handler: keyof Routes,
  request: FakeRequest,
  response = fakeResponse(),
  type = 'http',
): { ctx: ExecutionContext; response: ReturnType<typeof fakeResponse> } {
  const req = { headers: {}, params: {}, route: { path: '/x' }, ...request };
  const ctx = {
    getType: () => type,
    getClass: () => Routes,
    getHandler: () => Routes.prototype[handler],
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }),
    getArgByIndex: (index: number) => [req, response][index],
  } as unknown as ExecutionContext;
  return { ctx, response };
}

function handler(...values: unknown[]): CallHandler & { calls: number } {
  const next = {
    calls: 0,
    handle: () => {
      next.calls += 1;
      return of(...values);
    },
  };
  return next;
}

describe('CacheInterceptor branches (caching disabled: every Redis call is a miss)', () => {
  const redis = new RedisService({
    connection: { mode: 'standalone', host: '127.0.0.1', port: 1 },
    keyPrefix: 'unit',
    enabled: false,
  });
  const interceptor = new CacheInterceptor(new CacheService(redis), new CacheMetadataAccessor());

  const run = async (ctx: ExecutionContext, next: CallHandler) =>
    lastValueFrom(interceptor.intercept(ctx, next), { defaultValue: undefined });

  it('leaves non-HTTP contexts, @NoCache, @Sse, @Res() routes and undecorated writes alone', async () => {
    for (const [route, method, type] of [
      ['shared', 'GET', 'rpc'],
      ['skipped', 'GET', 'http'],
      ['events', 'GET', 'http'],
      ['writesItself', 'GET', 'http'],
      ['undecorated', 'POST', 'http'],
    ] as const) {
      const { ctx, response } = context(route, { method, url: '/x' }, fakeResponse(), type);
      const next = handler({ ok: true }, { ok: 'again' });
      expect(await run(ctx, next)).toEqual({ ok: 'again' });
      expect(next.calls).toBe(1);
      expect(response.headers.size).toBe(0);
    }
  });

  it('sends a stored MISS as the bytes, content type and strong ETag of its entry', async () => {
    const { ctx, response } = context('shared', { method: 'GET', url: '/x?b=1&a=2' });
    const next = handler({ v: 1 });
    expect(await run(ctx, next)).toBe('{"v":1}');
    expect(next.calls).toBe(1);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = context('shared', { method: 'GET', url: '/x' });
    await run(first.ctx, handler({ v: 1 }));
    const etag = first.response.headers.get('etag') as string;
    const { ctx, response } = context('shared', {
      method: 'GET',
      url: '/x',
      headers: { 'if-none-match': `W/${etag}, "other"` },
    });
    expect(await run(ctx, handler({ v: 1 }))).toBeUndefined();
    expect(response.statusCode).toBe(304);
    expect(response.headers.get('etag')).toBe(etag);
  });

  it.each([
    ['Authorization', { authorization: 'Bearer t' }],
    ['Cookie', { cookie: 'sid=1' }],
    ['Proxy-Authorization', { 'proxy-authorization': 'Basic x' }],
    ['a header a guard may read (x-session)', { 'x-session': 'alice.1' }],
    ['a body', { 'content-length': '12' }],
  ])('bypasses a shared route for a request with %s', async (_label, headers) => {
    const { ctx, response } = context('shared', { method: 'GET', url: '/x', headers });
    expect(await run(ctx, handler({ raw: true }))).toEqual({ raw: true });
    expect(response.headers.get('x-cache')).toBe('BYPASS');
  });

  it('bypasses a shared route when a guard set request.user', async () => {
    const request = { method: 'GET', url: '/x', user: { id: 'alice' } };
    const { ctx, response } = context('shared', request);
    expect(await run(ctx, handler({ raw: true }))).toEqual({ raw: true });
    expect(response.headers.get('x-cache')).toBe('BYPASS');
  });

  it('caches anonymous browser requests, and a header the route keys on', async () => {
    const browser = {
      host: 'shop.example',
      accept: 'text/html',
      'accept-language': 'fr',
      'user-agent': 'Mozilla/5.0',
      'sec-fetch-mode': 'navigate',
      'sec-ch-ua': '"Chromium"',
      'x-forwarded-for': '10.0.0.1',
      traceparent: '00-1-2-01',
      'content-length': '0',
    };
    const anonymous = context('shared', { method: 'GET', url: '/x', headers: browser });
    await run(anonymous.ctx, handler({ v: 1 }));
    expect(anonymous.response.headers.get('x-cache')).toBe('MISS');
    const tenant = context('perTenant', { method: 'GET', url: '/x', headers: { 'x-tenant': 'a' } });
    await run(tenant.ctx, handler({ v: 1 }));
    expect(tenant.response.headers.get('x-cache')).toBe('MISS');
    expect(tenant.response.headers.get('vary')).toBe('X-Tenant');
  });

  it('passes an Observable that emits more than once through, unstored', async () => {
    const { ctx, response } = context('shared', { method: 'GET', url: '/x' });
    expect(await run(ctx, handler('first', 'last'))).toBe('last');
    expect(response.headers.get('x-cache')).toBe('BYPASS');
    expect(interceptor.getNotStoredStats().stream).toBeGreaterThanOrEqual(1);
  });

  it('answers a HEAD miss from the handler without storing', async () => {
    const { ctx, response } = context('shared', { method: 'HEAD', url: '/x' });
    const next = handler('body');
    await run(ctx, next);
    expect(next.calls).toBe(1);
    expect(response.headers.get('x-cache')).toBe('BYPASS');
  });

  it('keeps user routes private, without X-Cache, with or without a user', async () => {
    for (const user of [{ id: 'alice' }, undefined]) {
      const request = { method: 'GET', url: '/me', ...(user ? { user } : {}) };
      const { ctx, response } = context('perUser', request);
      const next = handler({ me: user?.id ?? null });
      await run(ctx, next);
      expect(next.calls).toBe(1);
      expect(response.headers.get('cache-control')).toBe('private');
      expect(response.headers.has('x-cache')).toBe(false);
    }
  });

  it('handles a request once when applied twice (globally and on the route)', async () => {
    const { ctx, response } = context('shared', { method: 'GET', url: '/twice' });
    const next = handler('inner');
    const outer: CallHandler = { handle: () => interceptor.intercept(ctx, next) };
    expect(await run(ctx, outer)).toBe('inner');
    expect(next.calls).toBe(1);
    expect(response.headers.get('x-cache')).toBe('MISS');
  });
});
