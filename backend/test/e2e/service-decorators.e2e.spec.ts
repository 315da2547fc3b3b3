import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  CacheEvict,
  CacheModule,
  CachePut,
  CacheService,
  Cacheable,
  RedisService,
} from 'nestjs-coherent-cache';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { sleep, waitFor } from '../support/wait-for.js';

interface Item {
  id: string;
  version: number;
}

@Injectable()
class CatalogService {
  readonly calls = new Map<string, number>();
  private readonly versions = new Map<string, number>();

  private count(name: string): number {
    const next = (this.calls.get(name) ?? 0) + 1;
    this.calls.set(name, next);
    return next;
  }

  @Cacheable(60)
  async search(page: number, filter: { colour: string; size: string }) {
    await sleep(20);
    return { page, filter, call: this.count('search') };
  }

  @Cacheable({
    ttlSeconds: 60,
    key: (id: string) => `item:${id}`,
    tags: (id: string) => [`item:${id}`, 'items'],
  })
  async item(id: string): Promise<Item> {
    this.count('item');
    await Promise.resolve();
    return { id, version: this.versions.get(id) ?? 0 };
  }

  @Cacheable({ ttlSeconds: 60, condition: (id: number) => id > 0 })
  async conditional(id: number) {
    await Promise.resolve();
    return { id, call: this.count('conditional') };
  }

  @Cacheable({ ttlSeconds: 60, unless: (result: { draft: boolean }) => result.draft })
  async document(draft: boolean) {
    await Promise.resolve();
    return { draft, call: this.count('document') };
  }

  @CacheEvict({ keys: (id: string) => [`item:${id}`] })
  async rename(id: string): Promise<void> {
    await Promise.resolve();
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
  }

  @CacheEvict({ tags: ['items'], beforeInvocation: true })
  async failingBulkUpdate(): Promise<void> {
    await Promise.resolve();
    throw new Error('bulk update failed');
  }

  @CacheEvict({ allEntries: true })
  async reset(): Promise<void> {
    await Promise.resolve();
  }

  @CachePut({ key: (id: string) => `item:${id}`, tags: ['items'] })
  async replace(id: string, version: number): Promise<Item> {
    await Promise.resolve();
    this.versions.set(id, version);
    return { id, version };
  }
}

/** A consumer: the wrapped methods work through ordinary injection. */
@Injectable()
class CatalogConsumer {
  constructor(readonly catalog: CatalogService) {}
}

describe('@Cacheable / @CacheEvict / @CachePut on an injectable service', () => {
  let server: RedisServer;
  let moduleRef: TestingModule;
  let catalog: CatalogService;
  let cache: CacheService;

  beforeAll(async () => {
    server = await RedisServer.start();
    moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'svc'),
          keyPrefix: 'svc',
        }),
      ],
      providers: [CatalogService, CatalogConsumer],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    await waitFor(() => moduleRef.get(RedisService).isAvailable, { what: 'Redis ready' });
    catalog = moduleRef.get(CatalogConsumer).catalog;
    cache = moduleRef.get(CacheService);
  });

  afterAll(async () => {
    await moduleRef.close();
    await server.stop();
  });

  const calls = (name: string) => catalog.calls.get(name) ?? 0;

  it('caches by class, method and a stable hash of the arguments', async () => {
    const first = await catalog.search(1, { colour: 'red', size: 'M' });
    const reordered = await catalog.search(1, { size: 'M', colour: 'red' });
    expect(reordered).toEqual(first);
    await catalog.search(2, { colour: 'red', size: 'M' });
    expect(calls('search')).toBe(2);
    expect(cache.getStats().byName['CatalogService.search']).toMatchObject({ hits: 1, misses: 2 });
  });

  it('runs the method once for 100 concurrent cold calls', async () => {
    const before = calls('search');
    const results = await Promise.all(
      Array.from({ length: 100 }, () => catalog.search(9, { colour: 'blue', size: 'S' })),
    );
    expect(calls('search') - before).toBe(1);
    expect(new Set(results.map((r) => r.call)).size).toBe(1);
  });

  it('uses a key function and tags, and evicts by key after the method', async () => {
    expect(await catalog.item('a')).toEqual({ id: 'a', version: 0 });
    expect(await catalog.item('a')).toEqual({ id: 'a', version: 0 });
    expect(calls('item')).toBe(1);
    expect(await cache.get('item:a')).toEqual({ id: 'a', version: 0 });
    await catalog.rename('a');
    expect(await cache.get('item:a')).toBeNull();
    expect(await catalog.item('a')).toEqual({ id: 'a', version: 1 });
    expect(calls('item')).toBe(2);
  });

  it('honours condition and unless', async () => {
    await catalog.conditional(0);
    await catalog.conditional(0);
    await catalog.conditional(5);
    await catalog.conditional(5);
    expect(calls('conditional')).toBe(3);
    await catalog.document(true);
    await catalog.document(true);
    await catalog.document(false);
    await catalog.document(false);
    expect(calls('document')).toBe(3);
  });

  it('evicts before invocation even when the method fails', async () => {
    await catalog.item('b');
    expect(await cache.get('item:b')).not.toBeNull();
    await expect(catalog.failingBulkUpdate()).rejects.toThrow('bulk update failed');
    expect(await cache.get('item:b')).toBeNull();
  });

  it('stores the result of @CachePut under its key', async () => {
    const before = calls('item');
    await catalog.replace('c', 7);
    expect(await catalog.item('c')).toEqual({ id: 'c', version: 7 });
    expect(calls('item')).toBe(before);
  });

  it('allEntries deletes the entries of the class with default keys', async () => {
    await catalog.search(3, { colour: 'green', size: 'L' });
    const before = calls('search');
    await catalog.reset();
    await catalog.search(3, { colour: 'green', size: 'L' });
    expect(calls('search') - before).toBe(1);
  });

  it('still runs the method when Redis is down', async () => {
    await server.kill();
    try {
      const before = calls('conditional');
      await catalog.conditional(42);
      await catalog.conditional(42);
      expect(calls('conditional') - before).toBe(2);
    } finally {
      await server.restart();
    }
  });
});
