/**
 * The HTTP hit path from the memory tier (issue 13, point 6): a hit answered from memory sends
 * the very response of the miss (status, bytes, content type, ETag, replayed headers, Vary)
 * without reading Redis, on Express and on Fastify; an entry another client deletes is a MISS on
 * the next request; a route with `memory: false` reads Redis on every hit.
 */
import { Controller, Get, Param } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Cacheable } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { ADMIN_PASSWORD, ADMIN_USER, aclMode } from '../support/acl-mode.js';
import { startCacheService } from '../support/cache-service.fixture.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { storedResponseKeys } from '../support/http-entries.js';
import { watchCommands } from '../support/redis-monitor.js';
import { rawRequest, type RawResponse } from '../support/raw-request.js';
import { waitFor } from '../support/wait-for.js';
import { HANDLER_HEADERS, SameBytesController } from './fixtures/same-bytes.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

/** Handler runs of {@link MemoryHitController}, by route. */
const runs = new Map<string, number>();
const run = (route: string) => {
  const n = (runs.get(route) ?? 0) + 1;
  runs.set(route, n);
  return n;
};

@Controller('mem')
class MemoryHitController {
  @Get('item/:id')
  @Cacheable(60)
  item(@Param('id') id: string) {
    return { id, run: run(`item-${id}`) };
  }

  @Get('redis-only')
  @Cacheable({ ttlSeconds: 60, memory: false })
  redisOnly() {
    return { run: run('redis-only') };
  }
}

/** What a client can tell apart in a response, cache bookkeeping (`X-Cache`, `Age`, `Date`) aside. */
function seen(response: RawResponse) {
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(
      ([name]) => !['x-cache', 'age', 'date', 'connection', 'keep-alive'].includes(name),
    ),
  );
  return { status: response.status, headers, body: response.body.toString('base64') };
}

/** A raw ioredis client: another program changing Redis (the admin user in an ACL run). */
function rawClient(port: number): Redis {
  return new Redis({
    port,
    ...(aclMode ? { username: ADMIN_USER, password: ADMIN_PASSWORD } : {}),
  });
}

describe.each(adapters)('HTTP hits from the memory tier on %s', (adapter) => {
  let t: CacheTestApp;
  const keyPrefix = `mh${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [SameBytesController, MemoryHitController],
      cacheOptions: { keyPrefix },
    });
    await waitFor(() => t.cache.memoryTier.mechanism === 'tracking', { what: 'tier armed' });
  });

  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(t.baseUrl, path, { headers });

  /**
   * The commands Redis received that name the entry of logical `key` while `action` ran (seen
   * with MONITOR, so a read by any path counts; the tier's own dataset check names no entry).
   */
  async function entryCommandsDuring(key: string, action: () => Promise<unknown>): Promise<number> {
    const redisKey = t.cache.keyspace.entry(key);
    const monitor = await watchCommands(t.server.port);
    const marker = `end-${Math.random().toString(36).slice(2)}`;
    const other = rawClient(t.server.port);
    try {
      await action();
      // MONITOR shows commands in the order Redis ran them: once the marker shows, so has
      // every command sent before it.
      await other.echo(marker);
      await monitor.until((args) => args[0]?.toLowerCase() === 'echo' && args[1] === marker);
      return monitor.commands.filter((args) => args.includes(redisKey)).length;
    } finally {
      other.disconnect();
      monitor.close();
    }
  }

  /** The logical key of the one entry stored for `path`. */
  async function entryKey(path: string): Promise<string> {
    let keys: string[] = [];
    await waitFor(async () => (keys = await storedResponseKeys(t.cache, path)).length === 1, {
      what: `the entry of ${path}`,
    });
    return keys[0] as string;
  }

  /** Requests `path` until the memory tier holds its entry; returns the miss. */
  async function missThenHeld(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ miss: RawResponse; key: string }> {
    const miss = await get(path, headers);
    expect(miss.header('x-cache')).toBe('MISS');
    const key = await entryKey(path);
    // The store's write drops the key from memory; the next read from Redis holds it again.
    await waitFor(
      async () => {
        await get(path, headers);
        return t.cache.peekFresh(key) !== undefined;
      },
      { what: `${path} held in memory` },
    );
    return { miss, key };
  }

  it.each(['/same/object', '/same/string', '/same/buffer', '/same/csv', '/same/headers'])(
    'GET %s: a hit from memory is the miss, byte for byte, without reading Redis',
    async (path) => {
      const { miss, key } = await missThenHeld(path);
      let hit = miss;
      const reads = await entryCommandsDuring(key, async () => (hit = await get(path)));
      process.stdout.write(
        `[${adapter}] ${path}: miss ${JSON.stringify(seen(miss))}; memory hit ${hit.header('x-cache')} ` +
          `${JSON.stringify(seen(hit))}; Redis commands on the entry during the hit: ${reads}\n`,
      );
      expect(hit.header('x-cache')).toBe('HIT');
      expect(reads).toBe(0);
      expect(seen(hit)).toEqual(seen(miss));
      expect(hit.header('etag')).toMatch(/^"[^"]+"$/);
      if (path === '/same/headers') {
        for (const [name, value] of Object.entries(HANDLER_HEADERS)) {
          expect(hit.header(name)).toBe(value);
        }
      }
    },
  );

  it('sends Vary for the headers the route varies on, from memory as on the miss', async () => {
    const french = { 'accept-language': 'fr' };
    const { miss, key } = await missThenHeld('/same/vary', french);
    let hit = miss;
    expect(
      await entryCommandsDuring(key, async () => (hit = await get('/same/vary', french))),
    ).toBe(0);
    expect(hit.header('x-cache')).toBe('HIT');
    expect(miss.header('vary')?.toLowerCase()).toContain('accept-language');
    expect(seen(hit)).toEqual(seen(miss));
  });

  it('answers If-None-Match from memory with 304 and no body', async () => {
    const { miss, key } = await missThenHeld('/same/etag?v=memory');
    let conditional = miss;
    const reads = await entryCommandsDuring(key, async () => {
      conditional = await get('/same/etag?v=memory', {
        'if-none-match': miss.header('etag') ?? '"none"',
      });
    });
    expect(reads).toBe(0);
    expect(conditional.status).toBe(304);
    expect(conditional.header('x-cache')).toBe('HIT');
    expect(conditional.header('etag')).toBe(miss.header('etag'));
    expect(conditional.body.length).toBe(0);
  });

  it('answers a HEAD from memory with the GET headers and no body', async () => {
    const { miss, key } = await missThenHeld('/mem/item/head');
    let head = miss;
    const reads = await entryCommandsDuring(key, async () => {
      head = await rawRequest(t.baseUrl, '/mem/item/head', { method: 'HEAD' });
    });
    expect(reads).toBe(0);
    expect(head.header('x-cache')).toBe('HIT');
    expect(head.header('etag')).toBe(miss.header('etag'));
    expect(head.header('content-type')).toBe(miss.header('content-type'));
    expect(head.body.length).toBe(0);
  });

  it('never answers a request with credentials from memory', async () => {
    const { miss } = await missThenHeld('/mem/item/private');
    const withToken = await get('/mem/item/private', { authorization: 'Bearer x' });
    expect(withToken.header('x-cache')).toBe('BYPASS');
    expect(withToken.json<{ run: number }>().run).toBe(miss.json<{ run: number }>().run + 1);
  });

  it('a DEL of the entry by a raw client: the next request is a MISS', async () => {
    const { miss, key } = await missThenHeld('/mem/item/raw-del');
    const raw = rawClient(t.server.port);
    try {
      expect(await raw.del(t.cache.keyspace.entry(key))).toBe(1);
    } finally {
      raw.disconnect();
    }
    // The invalidation message is in flight for well under a millisecond (δ).
    await waitFor(() => t.cache.peekFresh(key) === undefined, { intervalMs: 1, what: 'dropped' });
    const after = await get('/mem/item/raw-del');
    expect(after.header('x-cache')).toBe('MISS');
    expect(after.json<{ run: number }>().run).toBe(miss.json<{ run: number }>().run + 1);
  });

  it('a deletion by another process (its own CacheService): the next request is a MISS', async () => {
    const { miss, key } = await missThenHeld('/mem/item/other-process');
    const other = await startCacheService(t.server.url, { keyPrefix });
    try {
      expect(await other.cache.del(key)).toBe(1);
    } finally {
      await other.close();
    }
    await waitFor(() => t.cache.peekFresh(key) === undefined, { intervalMs: 1, what: 'dropped' });
    const after = await get('/mem/item/other-process');
    expect(after.header('x-cache')).toBe('MISS');
    expect(after.json<{ run: number }>().run).toBe(miss.json<{ run: number }>().run + 1);
  });

  it('a route with memory: false reads Redis on every hit and holds nothing', async () => {
    const miss = await get('/mem/redis-only');
    const key = await entryKey('/mem/redis-only');
    for (let i = 0; i < 3; i += 1) {
      let hit = miss;
      const reads = await entryCommandsDuring(
        key,
        async () => (hit = await get('/mem/redis-only')),
      );
      expect(hit.header('x-cache')).toBe('HIT');
      expect(hit.body.equals(miss.body)).toBe(true);
      expect(reads).toBeGreaterThan(0);
    }
    expect(t.cache.peekFresh(key)).toBeUndefined();
  });
});
