/**
 * Regression tests of the consistency contract (issue 11): read after write, precision and no
 * queueing. Each test names the defect it pins down; see also
 * consistency-regressions-faults.e2e.spec.ts (Redis blips, eviction) and
 * consistency-regressions-writers.e2e.spec.ts (warming, jitter).
 */
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CacheEvict,
  CacheModule,
  CacheService,
  Cacheable,
  RedisService,
} from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheService } from '../support/cache-service.fixture.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { sleep, waitFor } from '../support/wait-for.js';
import {
  PutThingsController,
  ThingTable,
  ThingsController,
  thingTable,
  type ThingRow,
} from './fixtures/consistency.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

/** Waits until `table` has begun `count` reads of `id` (a load has taken its row). */
const loadBegan = (table: ThingTable, id: string, count = 1) =>
  waitFor(() => table.reads.of(id) >= count, { intervalMs: 2, what: `read ${count} of ${id}` });

describe('consistency regressions of CacheService on one redis-server', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('1. getOrSet started after del / invalidateTags / deleteByPrefix returned gets the new row, not the load begun before', async () => {
    const node = await startCacheService(server.url);
    try {
      const table = new ThingTable();
      table.readDelayMs = 150;
      const invalidations: Record<string, (cache: CacheService, key: string) => Promise<number>> = {
        del: (cache, key) => cache.del(key),
        invalidateTags: (cache, key) => cache.invalidateTags([`tag-of:${key}`]),
        deleteByPrefix: (cache, key) => cache.deleteByPrefix(key),
      };
      const versionServed: Record<string, number> = {};
      for (const [kind, invalidate] of Object.entries(invalidations)) {
        const key = `joined:${kind}`;
        const options = { ttlSeconds: 60, tags: [`tag-of:${key}`] };
        const early = node.cache.getOrSet(key, () => table.read(key), options);
        await loadBegan(table, key);
        table.update(key, 'changed');
        await invalidate(node.cache, key);
        const late = await node.cache.getOrSet(key, () => table.read(key), options);
        versionServed[kind] = late.version;
        await early;
      }
      process.stdout.write(
        `[1] version served by a getOrSet started after the invalidation returned: ${JSON.stringify(versionServed)}\n`,
      );
      expect(versionServed).toEqual({ del: 2, invalidateTags: 2, deleteByPrefix: 2 });
    } finally {
      await node.close();
    }
  });

  it('6. four processes whose result is not stored all answer within about two loader durations', async () => {
    const keyPrefix = `queue${Math.random().toString(36).slice(2, 6)}`;
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(() => startCacheService(server.url, { keyPrefix })),
    );
    try {
      const slowly = async () => {
        await sleep(200);
        return 'draft';
      };
      const kinds: Record<string, (cache: CacheService, key: string) => Promise<unknown>> = {
        'cacheIf false': (cache, key) => cache.getOrSet(key, slowly, { cacheIf: () => false }),
        'loader error': (cache, key) =>
          cache
            .getOrSet(key, async () => {
              await slowly();
              throw new Error('database down');
            })
            .catch(() => 'failed'),
      };
      const answeredInMs: Record<string, number[]> = {};
      for (const [kind, call] of Object.entries(kinds)) {
        const key = `uncacheable:${kind}`;
        answeredInMs[kind] = await Promise.all(
          nodes.map(async ({ cache }) => {
            const startedAt = performance.now();
            await call(cache, key);
            return Math.round(performance.now() - startedAt);
          }),
        );
      }
      process.stdout.write(
        `[6] 4 processes, 200 ms loader, result not stored: answered in (ms) ${JSON.stringify(answeredInMs)}\n`,
      );
      const serialised = Object.entries(answeredInMs).filter(([, ms]) => Math.max(...ms) >= 600);
      expect(serialised).toEqual([]);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});

/** The "database" of the two processes of defect 2: a load takes its row, answers 200 ms later. */
const itemRows = new ThingTable();
itemRows.readDelayMs = 200;

@Injectable()
class ItemsService {
  @Cacheable({ ttlSeconds: 60, key: (id: string) => `item:${id}` })
  find(id: string): Promise<ThingRow> {
    return itemRows.read(id);
  }

  @CacheEvict({ keys: (id: string) => [`item:${id}`] })
  async rename(id: string, name: string): Promise<ThingRow> {
    await Promise.resolve();
    return itemRows.update(id, name);
  }
}

/** One "process": the cache module and `ItemsService` in a Nest module of its own connection. */
async function startItemsNode(url: string, keyPrefix: string) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({ connection: await productConnection(url, keyPrefix), keyPrefix }),
    ],
    providers: [ItemsService],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  const redis = moduleRef.get(RedisService);
  await waitFor(() => redis.isAvailable, { what: 'Redis ready' });
  return {
    items: moduleRef.get(ItemsService),
    cache: moduleRef.get(CacheService),
    close: () => moduleRef.close(),
  };
}

describe('consistency regressions across two processes', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('2. after a delete by key, by prefix or @CacheEvict({ keys }) returned, neither process serves the row a load begun before it read', async () => {
    const keyPrefix = `procs${Math.random().toString(36).slice(2, 6)}`;
    const [a, b] = await Promise.all([
      startItemsNode(server.url, keyPrefix),
      startItemsNode(server.url, keyPrefix),
    ]);
    try {
      const deletions: Record<string, (id: string) => Promise<unknown>> = {
        'del by key': async (id) => {
          itemRows.update(id, 'renamed');
          await b.cache.del(`item:${id}`);
        },
        deleteByPrefix: async (id) => {
          itemRows.update(id, 'renamed');
          await b.cache.deleteByPrefix(`item:${id}`);
        },
        '@CacheEvict({ keys })': (id) => b.items.rename(id, 'renamed'),
      };
      const oldServedBy: Record<string, string[]> = {};
      for (const [kind, deleteIt] of Object.entries(deletions)) {
        const id = `${kind.replace(/\W/g, '')}-1`;
        // Process A begins a load: it takes version 1 of the row and answers 200 ms later.
        const early = a.items.find(id);
        await loadBegan(itemRows, id);
        // Process B changes the row and deletes the entry; the deletion has returned.
        await deleteIt(id);
        const reads: [string, Promise<ThingRow | null>][] = [
          ['B @Cacheable during the load', b.items.find(id)],
        ];
        await early;
        reads.push(
          ['A get after the load', a.cache.get<ThingRow>(`item:${id}`)],
          ['B get after the load', b.cache.get<ThingRow>(`item:${id}`)],
          ['A @Cacheable after the load', a.items.find(id)],
          ['B @Cacheable after the load', b.items.find(id)],
        );
        const served = await Promise.all(reads.map(async ([who, read]) => [who, await read]));
        oldServedBy[kind] = served
          .filter(([, row]) => typeof row === 'object' && row?.version === 1)
          .map(([who]) => who as string);
      }
      process.stdout.write(
        `[2] reads that served version 1 after the other process's delete returned: ${JSON.stringify(oldServedBy)}\n`,
      );
      expect(oldServedBy).toEqual({
        'del by key': [],
        deleteByPrefix: [],
        '@CacheEvict({ keys })': [],
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe.each(adapters)('consistency regressions over HTTP on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({ adapter, controllers: [ThingsController, PutThingsController] });
  });

  afterAll(async () => {
    await t.close();
  });

  const put = (path: string, name: string) =>
    t.request(path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });

  it('1. a GET started after PUT (@CacheEvict) answered gets the new row, not the load begun before the PUT', async () => {
    thingTable.readDelayMs = 150;
    const id = `${adapter}-joined`;
    const early = t.request(`/things/${id}`);
    await loadBegan(thingTable, id);
    const putResponse = await put(`/things/${id}`, 'after the PUT');
    const late = await t.request(`/things/${id}`);
    const lateBody = (await late.json()) as ThingRow;
    await (await early).arrayBuffer();
    process.stdout.write(
      `[1 ${adapter}] PUT ${putResponse.status}; next GET: ${JSON.stringify(lateBody)} ` +
        `X-Cache ${late.headers.get('x-cache')}\n`,
    );
    expect(putResponse.status).toBe(200);
    expect(lateBody).toEqual({ id, name: 'after the PUT', version: 2 });
  });

  it('5. with PUT /things/<other> every 20 ms, GET /things/<id> loads at most twice in 20 requests', async () => {
    thingTable.readDelayMs = 50;
    const id = `${adapter}-quiet`;
    const other = `${adapter}-busy`;
    let writing = true;
    let puts = 0;
    const writer = (async () => {
      while (writing) {
        await (await put(`/things/${other}`, `name ${puts}`)).arrayBuffer();
        puts += 1;
        await sleep(20);
      }
    })();
    const before = thingTable.reads.of(id);
    const outcomes: (string | null)[] = [];
    try {
      for (let i = 0; i < 20; i += 1) {
        const response = await t.request(`/things/${id}`);
        await response.arrayBuffer();
        outcomes.push(response.headers.get('x-cache'));
      }
    } finally {
      writing = false;
      await writer;
    }
    const loads = thingTable.reads.of(id) - before;
    process.stdout.write(
      `[5 ${adapter}] ${puts} PUTs of another row meanwhile; 20 GETs: loads = ${loads}, ` +
        `X-Cache = ${outcomes.join(',')}\n`,
    );
    expect(loads).toBeLessThanOrEqual(2);
  });

  it('7. a GET after PUT (@CachePut, same key function) returns the PUT body from the entry the PUT wrote', async () => {
    thingTable.readDelayMs = 0;
    const id = `${adapter}-put`;
    await (await t.request(`/put-things/${id}`)).arrayBuffer();
    const warm = await t.request(`/put-things/${id}`);
    await warm.arrayBuffer();
    expect(warm.headers.get('x-cache')).toBe('HIT');
    const putResponse = await put(`/put-things/${id}`, 'written by the PUT');
    const putBody = (await putResponse.json()) as ThingRow;
    const readsBefore = thingTable.reads.of(id);
    const get = await t.request(`/put-things/${id}`);
    const getBody = (await get.json()) as ThingRow;
    const seen = {
      putStatus: putResponse.status,
      getBody,
      xCache: get.headers.get('x-cache'),
      handlerRuns: thingTable.reads.of(id) - readsBefore,
    };
    process.stdout.write(
      `[7 ${adapter}] PUT body ${JSON.stringify(putBody)}; then GET ${JSON.stringify(seen)}\n`,
    );
    expect(putBody).toEqual({ id, name: 'written by the PUT', version: 2 });
    expect(seen).toEqual({ putStatus: 200, getBody: putBody, xCache: 'HIT', handlerRuns: 0 });
  });
});
