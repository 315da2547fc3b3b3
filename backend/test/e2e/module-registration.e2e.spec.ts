import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CacheModule,
  CacheService,
  Cacheable,
  InvalidCacheOptionsError,
  RedisNotReadyError,
  RedisService,
  type CacheModuleOptions,
} from 'nestjs-coherent-cache';
import { freePort } from '../support/free-port.js';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

@Injectable()
class PriceService {
  calls = 0;

  @Cacheable(60)
  async price(sku: string): Promise<{ sku: string; call: number }> {
    this.calls += 1;
    await Promise.resolve();
    return { sku, call: this.calls };
  }
}

async function boot(imports: Parameters<typeof Test.createTestingModule>[0]['imports']) {
  const moduleRef = await Test.createTestingModule({
    imports,
    providers: [PriceService],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('registering CacheModule as users do', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('forRoot() with no options: memory-only, decorators cache, whenReady resolves at once', async () => {
    const app = await boot([CacheModule.forRoot()]);
    try {
      const cache = app.get(CacheService);
      await cache.whenReady(50);
      expect(cache.isMemoryOnly).toBe(true);
      expect(app.get(RedisService).mode).toBe('memory');
      const prices = app.get(PriceService);
      expect(await prices.price('a')).toEqual({ sku: 'a', call: 1 });
      expect(await prices.price('a')).toEqual({ sku: 'a', call: 1 });
      expect(await prices.price('b')).toEqual({ sku: 'b', call: 2 });
    } finally {
      await app.close();
    }
  });

  it('connection as a URL string; whenReady waits for Redis and the memory tier link', async () => {
    const keyPrefix = `reg${Math.random().toString(36).slice(2, 8)}`;
    const parsed = await productConnection(server.url, keyPrefix);
    const auth = parsed.username ? `${parsed.username}:${parsed.password ?? ''}@` : '';
    const url = `redis://${auth}127.0.0.1:${server.port}`;
    const app = await boot([CacheModule.forRoot({ connection: url, keyPrefix })]);
    try {
      const cache = app.get(CacheService);
      await cache.whenReady(5_000);
      expect(app.get(RedisService).isAvailable).toBe(true);
      expect(cache.memoryTier.mechanism).not.toBe('none');
      await cache.set('k', { v: 1 });
      expect(await cache.get('k')).toEqual({ v: 1 });
    } finally {
      await app.close();
    }
  });

  it('forRootAsync with imports, inject and useClass', async () => {
    const keyPrefix = `rga${Math.random().toString(36).slice(2, 8)}`;
    const connection = await productConnection(server.url, keyPrefix);

    @Injectable()
    class Settings {
      readonly options: CacheModuleOptions = { connection, keyPrefix };
    }
    @Module({ providers: [Settings], exports: [Settings] })
    class SettingsModule {}

    @Injectable()
    class CacheOptionsFactory {
      constructor(private readonly settings: Settings) {}
      create(): CacheModuleOptions {
        return this.settings.options;
      }
    }

    const viaFactory = await boot([
      CacheModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => settings.options,
      }),
    ]);
    try {
      await viaFactory.get(CacheService).whenReady(5_000);
      expect(viaFactory.get(RedisService).namespace.prefix).toContain(keyPrefix);
    } finally {
      await viaFactory.close();
    }

    // useClass: the class provides `create()`, the builder's default factory method name.
    const viaClass = await boot([
      CacheModule.forRootAsync({ imports: [SettingsModule], useClass: CacheOptionsFactory }),
    ]);
    try {
      await viaClass.get(CacheService).whenReady(5_000);
      expect(viaClass.get(RedisService).mode).toBe('standalone');
    } finally {
      await viaClass.close();
    }
  });

  it('whenReady rejects with RedisNotReadyError when Redis is not there', async () => {
    const app = await boot([
      CacheModule.forRoot({ connection: `redis://127.0.0.1:${await freePort()}`, keyPrefix: 'nr' }),
    ]);
    try {
      const startedAt = performance.now();
      await expect(app.get(CacheService).whenReady(300)).rejects.toBeInstanceOf(RedisNotReadyError);
      expect(performance.now() - startedAt).toBeLessThan(1_500);
    } finally {
      await app.close();
    }
  });

  it('app.close() with Redis gone leaves no timer that holds the process (a test run exits)', async () => {
    const own = await RedisServer.start();
    const keyPrefix = `cl${Math.random().toString(36).slice(2, 8)}`;
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const app = await boot([
      CacheModule.forRoot({ connection: await productConnection(own.url, keyPrefix), keyPrefix }),
    ]);
    try {
      await app.get(CacheService).whenReady(5_000);
      await own.kill();
      await waitFor(() => !app.get(RedisService).isAvailable, { what: 'Redis to be gone' });
    } finally {
      await app.close();
      await own.stop();
    }
    // ioredis destroys a socket that does not close after a disconnect on a timer (2 s by
    // default): to a dead server, that timer held the process for 2 s after close.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it.each([
    [{ connection: 'http://cache:6379' }, 'connection', 'redis://'],
    [{ connection: 'redis://user:hunter2@[bad' }, 'connection', 'redis://'],
    [{ connection: { mode: 'standalone', host: 'cache' } }, 'connection.port', '1 to 65535'],
    [{ connection: { mode: 'single', host: 'cache', port: 1 } }, 'connection.mode', 'standalone'],
    [{ connection: { mode: 'cluster', nodes: [] } }, 'connection.nodes', 'non-empty list'],
    [
      { connection: { mode: 'sentinel', sentinels: [{ host: 'a', port: 1 }] } },
      'connection.name',
      'master group',
    ],
    [{ stateConnection: 'nope' }, 'stateConnection', 'redis://'],
    [{ keyPrefix: 'has space' }, 'keyPrefix', 'without spaces'],
  ])('refuses %j at boot, naming %s and never echoing a value', async (options, field, accepts) => {
    const attempt = Test.createTestingModule({
      imports: [CacheModule.forRoot(options as CacheModuleOptions)],
    }).compile();
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidCacheOptionsError);
    const message = (error as Error).message;
    expect(message).toContain(`option ${field}:`);
    expect(message).toContain(accepts);
    expect(message).not.toContain('hunter2');
  });
});
