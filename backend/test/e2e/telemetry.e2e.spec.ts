import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import {
  CacheInvalidationError,
  createStandaloneCache,
  type CacheService,
} from 'nestjs-coherent-cache';
import { startCacheService } from '../support/cache-service.fixture.js';
import { RedisServer } from '../support/redis-server.js';
import {
  exportedText,
  isChildOf,
  names,
  onlySpan,
  SpanRecorder,
} from '../support/span-recorder.js';
import { sleep, waitFor } from '../support/wait-for.js';

/** A string that must never reach a span: every generated key, value, tag and message holds it. */
const MARKER = 'Zq7SECRETmarker';

class LoaderFailure extends Error {}

describe('OpenTelemetry spans of the cache (real Redis, in-memory exporter)', () => {
  let server: RedisServer;
  let service: { cache: CacheService; close: () => Promise<void> };
  let cache: CacheService;
  const recorder = new SpanRecorder();

  beforeAll(async () => {
    server = await RedisServer.start();
    service = await startCacheService(server.url);
    cache = service.cache;
    await waitFor(() => cache.memoryTier.mechanism === 'tracking', { what: 'memory tier armed' });
  });

  afterAll(async () => {
    await service.close();
    await server.stop();
    await recorder.shutdown();
  });

  describe('with an SDK registered', () => {
    beforeAll(() => recorder.register());
    afterAll(() => recorder.unregister());
    beforeEach(() => recorder.reset());

    it('traces a miss: cache.getOrSet (miss) > cache.load > the loader’s own span', async () => {
      const userTracer = trace.getTracer('user-app');
      const value = await cache.getOrSet(
        'user:1',
        () =>
          userTracer.startActiveSpan('db.query', async (span) => {
            await sleep(1);
            span.end();
            return { id: 1 };
          }),
        { name: 'users', ttlSeconds: 60 },
      );
      expect(value).toEqual({ id: 1 });
      const spans = await recorder.spans();
      const getOrSet = onlySpan(spans, 'cache.getOrSet');
      const load = onlySpan(spans, 'cache.load');
      const query = onlySpan(spans, 'db.query');
      expect(getOrSet.attributes).toEqual({
        'cache.name': 'users',
        'cache.key.length': 'user:1'.length,
        'db.system': 'redis',
        'cache.outcome': 'miss',
        'cache.memory_hit': false,
      });
      expect(getOrSet.instrumentationScope).toEqual({ name: 'nest-redis-cache', version: '0.1.0' });
      expect(load.attributes).toEqual({ 'cache.name': 'users', 'cache.load.background': false });
      expect(isChildOf(load, getOrSet)).toBe(true);
      expect(isChildOf(query, load)).toBe(true);
      expect(getOrSet.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('makes the Redis calls of a getOrSet child spans, with operation and outcome only', async () => {
      await cache.getOrSet('user:2', () => 2, { name: 'users', ttlSeconds: 60 });
      const spans = await recorder.spans();
      const getOrSet = onlySpan(spans, 'cache.getOrSet');
      const redis = spans.filter((s) => s.name.startsWith('redis '));
      expect(redis.length).toBeGreaterThan(0);
      for (const span of redis) {
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.spanContext().traceId).toBe(getOrSet.spanContext().traceId);
        expect(Object.keys(span.attributes).sort()).toEqual([
          'cache.redis.outcome',
          'db.operation.name',
          'db.system',
        ]);
        expect(span.name).toBe(`redis ${String(span.attributes['db.operation.name'])}`);
        expect(span.attributes['cache.redis.outcome']).toBe('ok');
      }
      expect(redis.some((s) => isChildOf(s, getOrSet))).toBe(true);
    });

    it('traces a hit: from the memory tier (memory_hit true), and from Redis (false)', async () => {
      await cache.getOrSet('user:3', () => 3, { name: 'users', ttlSeconds: 60 });
      await waitFor(
        async () => {
          await cache.getOrSet('user:3', () => 3, { name: 'users', ttlSeconds: 60 });
          return cache.peekFresh('user:3') !== undefined;
        },
        { what: 'the entry held in memory' },
      );
      recorder.reset();
      await cache.getOrSet('user:3', () => -1, { name: 'users', ttlSeconds: 60 });
      let spans = await recorder.spans();
      expect(names(spans)).toEqual(['cache.getOrSet']);
      expect(spans[0]?.attributes).toMatchObject({
        'cache.outcome': 'hit',
        'cache.memory_hit': true,
      });

      recorder.reset();
      const fromRedis = await cache.getOrSet('user:3', () => -1, {
        name: 'users',
        memory: false,
      });
      expect(fromRedis).toBe(3);
      spans = await recorder.spans();
      const getOrSet = onlySpan(spans, 'cache.getOrSet');
      expect(getOrSet.attributes).toMatchObject({
        'cache.outcome': 'hit',
        'cache.memory_hit': false,
      });
      expect(spans.some((s) => s.name.startsWith('redis ') && isChildOf(s, getOrSet))).toBe(true);
      expect(names(spans)).not.toContain('cache.load');
    });

    it('traces a stale entry served while it refreshes (outcome stale, background load)', async () => {
      await cache.getOrSet('user:4', () => 4, {
        ttlSeconds: 0.05,
        jitterRatio: 0,
        staleWhileRevalidateSeconds: 60,
      });
      await sleep(120);
      recorder.reset();
      const value = await cache.getOrSet('user:4', () => 40, {
        ttlSeconds: 60,
        staleWhileRevalidateSeconds: 60,
      });
      expect(value).toBe(4);
      await waitFor(async () => (await recorder.spans()).some((s) => s.name === 'cache.load'), {
        what: 'the background refresh',
      });
      const spans = await recorder.spans();
      const getOrSet = onlySpan(spans, 'cache.getOrSet');
      expect(getOrSet.attributes['cache.outcome']).toBe('stale');
      const load = onlySpan(spans, 'cache.load');
      expect(isChildOf(load, getOrSet)).toBe(true);
    });

    it('records a loader failure as ERROR with the error type only, never its message', async () => {
      await expect(
        cache.getOrSet('user:5', () => Promise.reject(new LoaderFailure(`db said ${MARKER}`)), {
          name: 'users',
        }),
      ).rejects.toThrow(LoaderFailure);
      const spans = await recorder.spans();
      for (const name of ['cache.getOrSet', 'cache.load']) {
        const span = onlySpan(spans, name);
        expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'LoaderFailure' });
        expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
          ['exception', { 'exception.type': 'LoaderFailure' }],
        ]);
      }
      expect(onlySpan(spans, 'cache.getOrSet').attributes['cache.outcome']).toBe('error');
      expect(exportedText(spans)).not.toContain(MARKER);
    });

    it('traces del, invalidateTags, deleteByPrefix, clear and set as cache.invalidate', async () => {
      await cache.set('doc:1', 'a', { tags: ['t:1'] });
      await cache.set('doc:2', 'b');
      recorder.reset();
      expect(await cache.del('doc:1', 'doc:9')).toBe(1);
      expect(await cache.invalidateTags(['t:1', 't:2'])).toBe(0);
      expect(await cache.deleteByPrefix('doc:')).toBe(1);
      await cache.clear();
      expect(await cache.set('doc:3', 'c')).toBe(true);
      const spans = await recorder.spans();
      const invalidations = spans.filter((s) => s.name === 'cache.invalidate');
      expect(invalidations.map((s) => s.attributes)).toEqual([
        expect.objectContaining({
          'cache.operation': 'del',
          'cache.invalidation.kind': 'keys',
          'cache.invalidation.count': 2,
          'cache.invalidation.deleted': 1,
        }),
        expect.objectContaining({
          'cache.operation': 'invalidateTags',
          'cache.invalidation.kind': 'tags',
          'cache.invalidation.count': 2,
          'cache.invalidation.deleted': 0,
        }),
        expect.objectContaining({
          'cache.operation': 'deleteByPrefix',
          'cache.invalidation.kind': 'prefix',
          'cache.invalidation.count': 1,
          'cache.invalidation.deleted': 1,
        }),
        expect.objectContaining({
          'cache.operation': 'clear',
          'cache.invalidation.kind': 'all',
          'cache.invalidation.count': 0,
        }),
        expect.objectContaining({
          'cache.operation': 'set',
          'cache.invalidation.kind': 'keys',
          'cache.invalidation.count': 1,
          'cache.stored': true,
        }),
      ]);
      for (const span of invalidations) {
        expect(span.attributes['db.system']).toBe('redis');
        const children = spans.filter((s) => isChildOf(s, span));
        expect(children.length).toBeGreaterThan(0);
        expect(children.every((s) => s.name.startsWith('redis '))).toBe(true);
      }
      expect(exportedText(spans)).not.toMatch(/doc:|t:1|t:2/);
    });

    it('never exports a key, value, tag, prefix or error message (property)', async () => {
      const part = fc.stringMatching(/^[a-z0-9]{0,8}$/);
      const secret = fc.tuple(part, part).map(([a, b]) => `${a}${MARKER}${b}`);
      await fc.assert(
        fc.asyncProperty(
          secret,
          secret,
          secret,
          fc.constantFrom('ok', 'throws', 'rejects-string'),
          async (key, value, tag, loaderMode) => {
            recorder.reset();
            const loader = (): Promise<{ value: string }> => {
              if (loaderMode === 'throws') return Promise.reject(new Error(value));
              // A loader may reject with anything: a bare string must not reach a span either.
              // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
              if (loaderMode === 'rejects-string') return Promise.reject(value);
              return Promise.resolve({ value });
            };
            const options = { name: 'prop', tags: [tag], ttlSeconds: 60 };
            await cache.getOrSet(key, loader, options).catch(() => undefined);
            await cache.getOrSet(key, loader, options).catch(() => undefined);
            await cache.get(key);
            await cache.set(key, { value }, { tags: [tag] });
            await cache.getOrSet(key, loader, { ...options, memory: false });
            await cache.invalidateTags([tag]);
            await cache.deleteByPrefix(key);
            await cache.del(key);
            const spans = await recorder.spans();
            expect(names(spans)).toContain('cache.getOrSet');
            expect(names(spans)).toContain('cache.invalidate');
            expect(exportedText(spans)).not.toContain(MARKER);
          },
        ),
        { numRuns: 40 },
      );
    });
  });

  describe('when Redis hangs (a paused server)', () => {
    let hung: RedisServer;
    let hungService: { cache: CacheService; close: () => Promise<void> };

    beforeAll(async () => {
      hung = await RedisServer.start();
      hungService = await startCacheService(hung.url, {
        commandTimeoutMs: 100,
        caching: { invalidationRetryMs: 0 },
      });
      recorder.register();
    });

    afterAll(async () => {
      recorder.unregister();
      hung.resume();
      await hungService.close();
      await hung.stop();
    });

    it('traces a read that fails as bypass, its Redis call as a timeout, a failed del as ERROR', async () => {
      hung.pause();
      recorder.reset();
      const key = `order:${MARKER}`;
      expect(await hungService.cache.getOrSet(key, () => MARKER, { name: 'orders' })).toBe(MARKER);
      let spans = await recorder.spans();
      const getOrSet = onlySpan(spans, 'cache.getOrSet');
      expect(getOrSet.attributes).toMatchObject({ 'cache.outcome': 'bypass' });
      expect(getOrSet.status.code).toBe(SpanStatusCode.UNSET);
      expect(isChildOf(onlySpan(spans, 'cache.load'), getOrSet)).toBe(true);
      const failed = spans.filter((s) => s.name.startsWith('redis '));
      expect(failed.length).toBeGreaterThan(0);
      for (const span of failed) {
        expect(['timeout', 'unavailable']).toContain(span.attributes['cache.redis.outcome']);
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(span.events[0]?.attributes?.['exception.type']).toMatch(/^Redis\w+Error$/);
      }

      recorder.reset();
      await expect(hungService.cache.del(key)).rejects.toThrow(CacheInvalidationError);
      spans = await recorder.spans();
      const invalidate = onlySpan(spans, 'cache.invalidate');
      expect(invalidate.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: 'CacheInvalidationError',
      });
      expect(invalidate.events.map((e) => e.attributes)).toEqual([
        { 'exception.type': 'CacheInvalidationError' },
      ]);
      expect(exportedText(spans)).not.toContain(MARKER);
      hung.resume();
    });
  });

  describe('memory-only (no Redis configured)', () => {
    beforeAll(() => recorder.register());
    afterAll(() => recorder.unregister());

    it('traces getOrSet without db.system, a hit as a memory hit, and makes no Redis span', async () => {
      const local = await createStandaloneCache({}, 0);
      try {
        recorder.reset();
        await local.cache.getOrSet('k', () => 1, { name: 'local' });
        await local.cache.getOrSet('k', () => 2, { name: 'local' });
        const spans = await recorder.spans();
        expect(names(spans)).toEqual(['cache.load', 'cache.getOrSet', 'cache.getOrSet']);
        const [, miss, hit] = spans;
        expect(miss?.attributes).toEqual({
          'cache.name': 'local',
          'cache.key.length': 1,
          'cache.outcome': 'miss',
          'cache.memory_hit': false,
        });
        expect(hit?.attributes).toMatchObject({ 'cache.outcome': 'hit', 'cache.memory_hit': true });
      } finally {
        await local.close();
      }
    });
  });

  describe('without an SDK registered', () => {
    it('works and produces no span', async () => {
      recorder.reset();
      let calls = 0;
      const load = () => {
        calls += 1;
        return 'v';
      };
      expect(await cache.getOrSet('quiet', load, { ttlSeconds: 60 })).toBe('v');
      expect(await cache.getOrSet('quiet', load, { ttlSeconds: 60 })).toBe('v');
      expect(await cache.del('quiet')).toBe(1);
      expect(calls).toBe(1);
      expect(await recorder.spans()).toEqual([]);
    });
  });
});
