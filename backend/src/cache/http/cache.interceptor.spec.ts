import type { CallHandler, ExecutionContext } from '@nestjs/common';
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

  @NoCache()
  skipped(): void {}

  undecorated(): void {}
}

/** An Express-like response that records headers. */
function fakeResponse() {
  const headers = new Map<string, string>();
  return {
    statusCode: 200,
    headers,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: string) => void headers.set(name.toLowerCase(), value),
  };
}

function context(
  handler: keyof Routes,
  request: { method: string; url: string; headers?: Record<string, string>; user?: { id: string } },
  response = fakeResponse(),
  type = 'http',
): { ctx: ExecutionContext; response: ReturnType<typeof fakeResponse> } {
  const req = { headers: {}, params: {}, ...request };
  const ctx = {
    getType: () => type,
    getClass: () => Routes,
    getHandler: () => Routes.prototype[handler],
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { ctx, response };
}

function handler(body: unknown): CallHandler & { calls: number } {
  const next = {
    calls: 0,
    handle: () => {
      next.calls += 1;
      return of(body);
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

  it('leaves non-HTTP contexts, @NoCache routes and undecorated writes alone', async () => {
    for (const [route, method, type] of [
      ['shared', 'GET', 'rpc'],
      ['skipped', 'GET', 'http'],
      ['undecorated', 'POST', 'http'],
    ] as const) {
      const { ctx, response } = context(route, { method, url: '/x' }, fakeResponse(), type);
      const next = handler({ ok: true });
      expect(await run(ctx, next)).toEqual({ ok: true });
      expect(next.calls).toBe(1);
      expect(response.headers.size).toBe(0);
    }
  });

  it('marks a shared GET as MISS and runs the handler when the cache cannot answer', async () => {
    const { ctx, response } = context('shared', { method: 'GET', url: '/x?b=1&a=2' });
    const next = handler({ v: 1 });
    expect(await run(ctx, next)).toEqual({ v: 1 });
    expect(next.calls).toBe(1);
    expect(response.headers.get('x-cache')).toBe('MISS');
  });

  it('bypasses a shared route for a request with credentials', async () => {
    for (const headers of [{ authorization: 'Bearer t' }, { cookie: 'sid=1' }] as Record<
      string,
      string
    >[]) {
      const { ctx, response } = context('shared', { method: 'GET', url: '/x', headers });
      const next = handler('body');
      expect(await run(ctx, next)).toBe('body');
      expect(response.headers.get('x-cache')).toBe('BYPASS');
    }
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
