import { Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  CacheModule,
  CacheService,
  Cacheable,
  RedisService,
  type CacheModuleOptions,
} from 'nestjs-coherent-cache';
import { CapturingLogger } from '../support/capturing-logger.js';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

/** What a service method returns in practice (issue 12, finding 10). */
function schedule() {
  return {
    at: new Date(0),
    tags: new Set([1]),
    big: 10n,
    buf: Buffer.from('x'),
    m: new Map([[1, 'a']]),
    u: undefined,
  };
}
type Schedule = ReturnType<typeof schedule>;

/** A class instance with behaviour: a hit could only return a plain object without `greet`. */
class Account {
  constructor(
    readonly id: string,
    readonly secret = 's3cret-token',
  ) {}

  greet(): string {
    return `hello ${this.id}`;
  }
}

@Injectable()
class ScheduleService {
  readonly calls = new Map<string, number>();

  @Cacheable({ ttlSeconds: 60 })
  async next(id: number): Promise<Schedule> {
    this.count('next');
    await Promise.resolve(id);
    return schedule();
  }

  @Cacheable({ ttlSeconds: 60 })
  async account(id: string): Promise<Account> {
    this.count('account');
    await Promise.resolve();
    return new Account(id);
  }

  private count(name: string): void {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }
}

/** Checks each property's type, then the whole value (`toStrictEqual` also sees `u: undefined`). */
function expectSchedule(value: Schedule): void {
  expect(value.at).toBeInstanceOf(Date);
  expect(value.tags).toBeInstanceOf(Set);
  expect(typeof value.big).toBe('bigint');
  expect(Buffer.isBuffer(value.buf)).toBe(true);
  expect(value.m).toBeInstanceOf(Map);
  expect(Object.hasOwn(value, 'u')).toBe(true);
  expect(value).toStrictEqual(schedule());
}

describe('a hit returns what the miss returned, in type and value (issue 12, finding 10)', () => {
  let server: RedisServer;
  const modules: TestingModule[] = [];
  const logger = new CapturingLogger();

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await Promise.all(modules.map((m) => m.close()));
    await server.stop();
  });

  /** A cache module on the shared server and key prefix: two of them are two processes' caches. */
  async function start(providers: Provider[] = [], caching?: CacheModuleOptions['caching']) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'typed'),
          keyPrefix: 'typed',
          caching,
        }),
      ],
      providers,
    }).compile();
    moduleRef.useLogger(logger);
    await moduleRef.init();
    modules.push(moduleRef);
    await waitFor(() => moduleRef.get(RedisService).isAvailable, { what: 'Redis ready' });
    return moduleRef;
  }

  it("the issue's example: `{ at: new Date(0) }` is a Date on the hit too", async () => {
    const cache = (await start()).get(CacheService);
    const loader = () => ({ at: new Date(0) });
    expect((await cache.getOrSet('at:0', loader, { ttlSeconds: 60 })).at).toBeInstanceOf(Date);
    const hit = await cache.getOrSet('at:0', () => ({ at: new Date(1) }), { ttlSeconds: 60 });
    expect(hit.at).toBeInstanceOf(Date);
    expect(hit).toStrictEqual({ at: new Date(0) });
  });

  it('getOrSet: Date, Set, bigint, Buffer, Map and undefined survive, in this process and another', async () => {
    const cache = (await start()).get(CacheService);
    const other = (await start()).get(CacheService);
    let loads = 0;
    const loader = () => {
      loads += 1;
      return schedule();
    };
    const miss = await cache.getOrSet('schedule:1', loader, { ttlSeconds: 60 });
    expectSchedule(miss);
    expectSchedule(await cache.getOrSet('schedule:1', loader, { ttlSeconds: 60 }));
    expectSchedule(await other.getOrSet('schedule:1', loader, { ttlSeconds: 60 }));
    expect(loads).toBe(1);
    expectSchedule((await other.get<Schedule>('schedule:1')) as Schedule);
  });

  it('@Cacheable: the method returns the same types on a hit', async () => {
    const service = (await start([ScheduleService])).get(ScheduleService);
    expectSchedule(await service.next(7));
    expectSchedule(await service.next(7));
    expect(service.calls.get('next')).toBe(1);
  });

  it('a class instance with a method is returned as loaded, never stored, with one warning', async () => {
    const cache = (await start()).get(CacheService);
    let loads = 0;
    const loader = () => {
      loads += 1;
      return new Account('alice');
    };
    const options = { ttlSeconds: 60, name: 'accounts' };
    const first = await cache.getOrSet('account:alice', loader, options);
    expect(first).toBeInstanceOf(Account);
    expect(first.greet()).toBe('hello alice');
    const second = await cache.getOrSet('account:alice', loader, options);
    expect(second.greet()).toBe('hello alice');
    await cache.getOrSet('account:bob', loader, options);
    expect(loads).toBe(3);
    expect((await cache.describe('account:alice')).exists).toBe(false);
    const warnings = logger.matching('warn', 'account:');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(accounts) not stored: it holds an instance of Account');
    expect(logger.lines.join('\n')).not.toContain('s3cret-token');
  });

  it('@Cacheable: a method returning a class instance runs each time, one warning per method', async () => {
    const service = (await start([ScheduleService])).get(ScheduleService);
    expect((await service.account('a')).greet()).toBe('hello a');
    expect((await service.account('a')).greet()).toBe('hello a');
    expect((await service.account('b')).greet()).toBe('hello b');
    expect(service.calls.get('account')).toBe(3);
    expect(logger.matching('warn', '(ScheduleService.account) not stored')).toHaveLength(1);
  });
});
