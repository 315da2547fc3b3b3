import net from 'node:net';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CacheEvict, CacheInterceptor, CacheService, Cacheable, RedisService } from '../index.js';
import {
  CacheTestingModule,
  TestCacheClock,
  cacheClockOf,
  cacheStatsOf,
  resetCache,
} from './index.js';

interface User {
  id: number;
  name: string;
}

/** What the service reads from: counts its calls, can be made to fail or to wait. */
@Injectable()
class UserRepository {
  calls = 0;
  private readonly names = new Map<number, string>();
  private gate: Promise<void> = Promise.resolve();

  /** Every read waits until `release()` is called. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return release;
  }

  async find(id: number): Promise<User> {
    this.calls += 1;
    await this.gate;
    return { id, name: this.names.get(id) ?? `user ${id}` };
  }

  async rename(id: number, name: string): Promise<void> {
    await Promise.resolve();
    this.names.set(id, name);
  }
}

@Injectable()
class UserService {
  constructor(private readonly users: UserRepository) {}

  @Cacheable({ ttlSeconds: 60, tags: (id: number) => [`user:${id}`, 'users'] })
  async findById(id: number): Promise<User> {
    return this.users.find(id);
  }

  @CacheEvict({ tags: (id: number) => [`user:${id}`] })
  async rename(id: number, name: string): Promise<void> {
    await this.users.rename(id, name);
  }
}

describe('CacheTestingModule: a service with @Cacheable, tested without Redis', () => {
  let moduleRef: TestingModule;
  let users: UserService;
  let repository: UserRepository;
  let clock: TestCacheClock;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [CacheTestingModule.forRoot()],
      providers: [UserService, UserRepository],
    }).compile();
    await moduleRef.init();
    users = moduleRef.get(UserService);
    repository = moduleRef.get(UserRepository);
    clock = moduleRef.get(TestCacheClock);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  const stats = () => cacheStatsOf(moduleRef, 'UserService.findById');

  it('provides the usual injectables, with RedisService in memory mode', () => {
    expect(moduleRef.get(RedisService).mode).toBe('memory');
    expect(moduleRef.get(CacheService).isMemoryOnly).toBe(true);
    expect(moduleRef.get(CacheInterceptor)).toBeInstanceOf(CacheInterceptor);
    expect(cacheClockOf(moduleRef)).toBe(clock);
  });

  it('loads on the first call (a miss) and answers the second from the cache (a hit)', async () => {
    expect(await users.findById(1)).toEqual({ id: 1, name: 'user 1' });
    expect(stats()).toMatchObject({ hits: 0, misses: 1, loads: 1 });

    expect(await users.findById(1)).toEqual({ id: 1, name: 'user 1' });
    expect(stats()).toMatchObject({ hits: 1, misses: 1, loads: 1 });
    expect(repository.calls).toBe(1);
  });

  it('expires an entry when the clock passes its TTL, without waiting', async () => {
    await users.findById(1);
    clock.advance(59_999);
    await users.findById(1);
    expect(stats()).toMatchObject({ hits: 1, loads: 1 });

    clock.advance(61_000 - 59_999);
    await users.findById(1);
    expect(stats()).toMatchObject({ hits: 1, misses: 2, loads: 2 });
    expect(repository.calls).toBe(2);
  });

  it('@CacheEvict invalidates the tags it names, and only those', async () => {
    await users.findById(1);
    await users.findById(2);
    await users.rename(1, 'Ada');

    expect(await users.findById(1)).toEqual({ id: 1, name: 'Ada' });
    await users.findById(2);
    expect(stats()).toMatchObject({ hits: 1, misses: 3, loads: 3 });
  });

  it('CacheService.invalidateTags reaches the entries of decorated methods', async () => {
    await users.findById(1);
    await users.findById(2);
    await moduleRef.get(CacheService).invalidateTags(['users']);

    await users.findById(1);
    await users.findById(2);
    expect(stats()).toMatchObject({ hits: 0, misses: 4, loads: 4 });
  });

  it('runs the loader once for 50 concurrent calls of a cold key (single-flight)', async () => {
    const release = repository.hold();
    const calls = Array.from({ length: 50 }, () => users.findById(7));
    await Promise.resolve();
    release();
    const results = await Promise.all(calls);

    expect(repository.calls).toBe(1);
    expect(results.every((user) => user.name === 'user 7')).toBe(true);
    expect(stats()).toMatchObject({ misses: 50, loads: 1 });
  });

  it('getOrSet with graceSeconds serves the stale value after the TTL while the loader fails', async () => {
    const cache = moduleRef.get(CacheService);
    const options = { ttlSeconds: 60, graceSeconds: 300, failureBackoffMs: 5_000, name: 'price' };
    let failures = 0;
    const down = (): Promise<number> => {
      failures += 1;
      return Promise.reject(new Error('pricing service down'));
    };
    await cache.getOrSet('price:1', () => 10, options);

    clock.advance(61_000);
    expect(await cache.getOrSet('price:1', down, options)).toBe(10);
    expect(failures).toBe(1);
    expect(cacheStatsOf(cache, 'price')).toMatchObject({ staleServed: 1, errors: 1 });

    // Within the failure backoff (on the clock too), the loader is not run again.
    clock.advance(4_000);
    expect(await cache.getOrSet('price:1', down, options)).toBe(10);
    expect(failures).toBe(1);

    // Past the grace window the stale value is gone: the failure reaches the caller.
    clock.advance(300_000);
    await expect(cache.getOrSet('price:1', down, options)).rejects.toThrow('pricing service down');
    expect(failures).toBe(2);
  });

  it('resetCache empties the cache and starts the helper counters again from zero', async () => {
    await users.findById(1);
    await users.findById(1);
    await resetCache(moduleRef);

    expect(stats()).toEqual({
      hits: 0,
      misses: 0,
      loads: 0,
      errors: 0,
      staleServed: 0,
      loadMs: 0,
    });
    await users.findById(1);
    expect(stats()).toMatchObject({ hits: 0, misses: 1, loads: 1 });
    expect(cacheStatsOf(moduleRef)).toMatchObject({ misses: 1, loads: 1 });
    expect(repository.calls).toBe(2);
  });

  it('follows a clock given in the options', async () => {
    const own = new TestCacheClock(Date.UTC(2030, 0, 1));
    const other = await Test.createTestingModule({
      imports: [CacheTestingModule.forRoot({ clock: own, keyPrefix: 'other' })],
    }).compile();
    try {
      const cache = other.get(CacheService);
      await cache.set('k', 'v', { ttlSeconds: 1 });
      expect((await cache.getEntry('k'))?.storedAtMs).toBe(Date.UTC(2030, 0, 1));
      own.advance(1_000);
      expect(await cache.get('k')).toBeNull();
    } finally {
      await other.close();
    }
  });
});

describe('CacheTestingModule: no network, no noise', () => {
  const tcpHandles = () =>
    process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;

  it('opens no socket and writes no log line from start to close', async () => {
    const { connect } = net.Socket.prototype;
    const { write: writeOut } = process.stdout;
    const { write: writeErr } = process.stderr;
    let connects = 0;
    const written: string[] = [];
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects += 1;
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    };
    const record = (chunk: unknown) => (written.push(String(chunk)), true);
    process.stdout.write = record;
    process.stderr.write = record;
    const handlesBefore = tcpHandles();
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [CacheTestingModule.forRoot()],
        providers: [UserService, UserRepository],
      }).compile();
      await moduleRef.init();
      const users = moduleRef.get(UserService);
      await users.findById(1);
      await users.rename(1, 'Ada');
      // A failing loader served from grace is the cache's noisiest path.
      const cache = moduleRef.get(CacheService);
      await cache.getOrSet('k', () => 1, { ttlSeconds: 1, graceSeconds: 60 });
      cacheClockOf(moduleRef).advance(2_000);
      await cache.getOrSet('k', () => Promise.reject(new Error('down')), { graceSeconds: 60 });
      expect(tcpHandles()).toBe(handlesBefore);
      await moduleRef.close();
    } finally {
      net.Socket.prototype.connect = connect;
      process.stdout.write = writeOut;
      process.stderr.write = writeErr;
    }
    expect(connects).toBe(0);
    expect(written.filter((line) => line.includes('[Nest]'))).toEqual([]);
  });
});
