import { APP_INTERCEPTOR } from '@nestjs/core';
import { CacheInterceptor } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import {
  GlobalRoutesController,
  HttpRulesController,
  calls,
} from './fixtures/http-rules.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

describe.each(adapters)('CacheInterceptor storage rules on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [HttpRulesController],
      cacheOptions: {
        http: {
          userResolver: (request) =>
            (request as { headers: Record<string, string | undefined> }).headers['x-user'],
        },
      },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  /** Requests `path` twice and returns how many times its handler ran, and the responses. */
  async function twice(path: string, route: string, init?: RequestInit) {
    const before = calls.of(route);
    const first = await t.request(path, init);
    const second = await t.request(path, init);
    return { ran: calls.of(route) - before, first, second };
  }

  it('stores a 2xx GET and replays status, body, content type, Age and X-Cache', async () => {
    const { ran, first, second } = await twice('/rules/plain', 'plain');
    expect(ran).toBe(1);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(second.headers.get('age')).toMatch(/^\d+$/);
    expect(await second.json()).toEqual(await first.json());
  });

  it('replays a content type the handler set', async () => {
    const { ran, first, second } = await twice('/rules/text', 'text');
    expect(ran).toBe(1);
    expect(second.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await second.text()).toBe(await first.text());
  });

  it('answers HEAD from the GET entry and never stores from a HEAD', async () => {
    const before = calls.of('query');
    const head = await t.request('/rules/query?page=9', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-cache')).toBe('BYPASS');
    expect(await t.storedHttpKeys('page=9')).toEqual([]);
    await t.request('/rules/query?page=9');
    const afterGet = await t.request('/rules/query?page=9', { method: 'HEAD' });
    expect(afterGet.headers.get('x-cache')).toBe('HIT');
    expect(calls.of('query') - before).toBe(2);
  });

  it.each([
    ['a handler that sets a cookie', '/rules/cookie', 'cookie', 200],
    ['a handler that throws', '/rules/throws', 'throws', 500],
    ['a handler that answers 404 (thrown)', '/rules/missing', 'missing', 404],
    ['a handler that answers 404 (status)', '/rules/status-404', 'status-404', 404],
    ['a no-store response', '/rules/no-store', 'no-store', 200],
    ['a private response on a shared route', '/rules/private', 'private', 200],
    ['a Vary: * response', '/rules/vary-star', 'vary-star', 200],
    ['a streamed file', '/rules/stream', 'stream', 200],
  ])('stores nothing for %s', async (_label, path, route, status) => {
    const { ran, first, second } = await twice(path, route);
    expect(first.status).toBe(status);
    expect(second.status).toBe(status);
    expect(ran).toBe(2);
    expect(second.headers.get('x-cache')).not.toBe('HIT');
    expect(await t.storedHttpKeys(path)).toEqual([]);
    if (route === 'cookie') expect(second.headers.get('set-cookie')).toContain('sid=secret');
  });

  it('bypasses a shared route for a request with Authorization or Cookie, and stores nothing', async () => {
    const before = calls.of('vary-lang');
    const withAuth = await t.request('/rules/vary-lang?x=auth', {
      headers: { authorization: 'Bearer alice-token' },
    });
    const withCookie = await t.request('/rules/vary-lang?x=auth', {
      headers: { cookie: 'sid=abc' },
    });
    expect(withAuth.headers.get('x-cache')).toBe('BYPASS');
    expect(withCookie.headers.get('x-cache')).toBe('BYPASS');
    expect(calls.of('vary-lang') - before).toBe(2);
    expect(await t.storedHttpKeys('x=auth')).toEqual([]);
  });

  it('keys a user route by the configured user resolver and keeps it private', async () => {
    const before = calls.of('per-user');
    const asUser = (user?: string) =>
      t.request('/rules/per-user', {
        headers: { cookie: 'sid=1', ...(user === undefined ? {} : { 'x-user': user }) },
      });
    const u1 = await asUser('u1');
    const u1Again = await asUser('u1');
    const u2 = await asUser('u2');
    const anonymous = await asUser();
    const anonymousAgain = await asUser();
    expect(calls.of('per-user') - before).toBe(4);
    const u1Body: unknown = await u1.json();
    expect(await u1Again.json()).toEqual(u1Body);
    expect(await u2.json()).not.toEqual(u1Body);
    for (const response of [u1, u1Again, u2, anonymous, anonymousAgain]) {
      expect(response.headers.get('cache-control')).toMatch(/^private/);
      expect(response.headers.get('cache-control')).not.toContain('public');
      expect(response.headers.get('x-cache')).toBeNull();
    }
  });

  it('POST and PUT never read or write the cache', async () => {
    const post = await twice('/rules/write', 'post-write', { method: 'POST' });
    const put = await twice('/rules/write', 'put-write', { method: 'PUT' });
    expect(post.ran).toBe(2);
    expect(put.ran).toBe(2);
    expect(post.second.headers.get('x-cache')).toBeNull();
    expect(await t.storedHttpKeys('/rules/write')).toEqual([]);
  });

  it('keys by sorted, allow-listed query parameters', async () => {
    const before = calls.of('query');
    await t.request('/rules/query?size=10&page=2');
    const reordered = await t.request('/rules/query?page=2&size=10&utm=flood1');
    const busted = await t.request('/rules/query?page=2&size=10&utm=flood2');
    const other = await t.request('/rules/query?page=3&size=10');
    expect(reordered.headers.get('x-cache')).toBe('HIT');
    expect(busted.headers.get('x-cache')).toBe('HIT');
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(calls.of('query') - before).toBe(2);
  });

  it('keys by the headers a route varies on', async () => {
    const before = calls.of('vary-lang');
    const fr = await t.request('/rules/vary-lang', { headers: { 'accept-language': 'fr' } });
    const de = await t.request('/rules/vary-lang', { headers: { 'accept-language': 'de' } });
    const frAgain = await t.request('/rules/vary-lang', { headers: { 'accept-language': 'fr' } });
    expect(calls.of('vary-lang') - before).toBe(2);
    const frBody: unknown = await fr.json();
    expect(await frAgain.json()).toEqual(frBody);
    expect(await de.json()).not.toEqual(frBody);
    expect(frAgain.headers.get('x-cache')).toBe('HIT');
  });

  it('keeps answering with the handler when Redis is gone', async () => {
    await t.server.kill();
    try {
      const before = calls.of('plain');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => t.request('/rules/plain')),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(calls.of('plain') - before).toBeGreaterThanOrEqual(1);
    } finally {
      await t.server.restart();
    }
  });
});

describe.each(adapters)('CacheInterceptor applied globally on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [GlobalRoutesController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: CacheInterceptor }],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('caches every GET route, except those marked @NoCache()', async () => {
    const cachedBefore = calls.of('global-cached');
    const skippedBefore = calls.of('global-skipped');
    for (let i = 0; i < 3; i += 1) {
      await t.request('/global/cached');
      const skipped = await t.request('/global/skipped');
      expect(skipped.headers.get('x-cache')).toBeNull();
    }
    expect(calls.of('global-cached') - cachedBefore).toBe(1);
    expect(calls.of('global-skipped') - skippedBefore).toBe(3);
  });
});
