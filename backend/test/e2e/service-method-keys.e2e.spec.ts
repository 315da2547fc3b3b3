import { Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  CacheModule,
  Cacheable,
  InvalidCacheOptionsError,
  RedisService,
} from 'nestjs-coherent-cache';
import { CapturingLogger } from '../support/capturing-logger.js';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

/** A user whose whole state is private: a hash that walks enumerable keys sees `{}`. */
class PrivateUser {
  readonly #id: string;
  readonly #name: string;

  constructor(id: string, name: string) {
    this.#id = id;
    this.#name = name;
  }

  get id(): string {
    return this.#id;
  }

  get name(): string {
    return this.#name;
  }
}

/** The same, with a `toJSON` that shows its identity: the cache may key by it. */
class SerialisableUser extends PrivateUser {
  toJSON(): { id: string } {
    return { id: this.id };
  }
}

/** What `profile` reads; an interface, so nothing about the class is known at startup. */
interface UserLike {
  readonly id: string;
  readonly name: string;
}

@Injectable()
class ProfileService {
  readonly calls = new Map<string, number>();

  private count(name: string): number {
    const next = (this.calls.get(name) ?? 0) + 1;
    this.calls.set(name, next);
    return next;
  }

  @Cacheable(60)
  async profile(user: UserLike): Promise<{ id: string; name: string }> {
    this.count('profile');
    await Promise.resolve();
    return { id: user.id, name: user.name };
  }

  @Cacheable(60)
  async profileOf(user: UserLike): Promise<{ id: string; name: string }> {
    this.count('profileOf');
    await Promise.resolve();
    return { id: user.id, name: user.name };
  }

  @Cacheable(60)
  async describe(_value: unknown): Promise<{ call: number }> {
    await Promise.resolve();
    return { call: this.count('describe') };
  }
}

/** A parameter typed with a class whose state a hash can never see: refused at startup. */
@Injectable()
class OpaqueParameterService {
  @Cacheable(60)
  async profile(user: PrivateUser): Promise<string> {
    await Promise.resolve();
    return user.name;
  }
}

/** A new class named `ProfileCache` at each call, as two feature modules could each declare. */
function profileCacheClass() {
  @Injectable()
  class ProfileCache {
    @Cacheable(60)
    async get(id: string): Promise<string> {
      await Promise.resolve();
      return id;
    }
  }
  return ProfileCache;
}

/** Pairs of arguments that the old hash saw alike; each must get an entry of its own. */
const DISTINCT_ARGUMENTS: ReadonlyArray<readonly [string, unknown]> = [
  ['URL a', new URL('https://a.example/x')],
  ['URL b', new URL('https://b.example/y')],
  ['RegExp /a/', /a/],
  ['RegExp /b/', /b/],
  ['RegExp /a/g', /a/g],
  ['bigint 1n', 1n],
  ['string "1n"', '1n'],
  ['Set {1, 2}', new Set([1, 2])],
  ['array [1, 2]', [1, 2]],
  ['Map {a: 1}', new Map([['a', 1]])],
  ['object {a: 1}', { a: 1 }],
  ['Date 0', new Date(0)],
  ['string of Date 0', '1970-01-01T00:00:00.000Z'],
  ['Buffer "a"', Buffer.from('a')],
  ['Buffer "b"', Buffer.from('b')],
  ['undefined', undefined],
  ['null', null],
  ['number 1', 1],
  ['string "1"', '1'],
];

describe('default keys of @Cacheable service methods never collide (issue 12, finding 1)', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  async function compile(providers: Provider[], logger: CapturingLogger): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'keys'),
          keyPrefix: 'keys',
        }),
      ],
      providers,
    }).compile();
    moduleRef.useLogger(logger);
    return moduleRef;
  }

  describe('a running app', () => {
    const logger = new CapturingLogger();
    let moduleRef: TestingModule;
    let profiles: ProfileService;

    beforeAll(async () => {
      moduleRef = await compile([ProfileService], logger);
      await moduleRef.init();
      await waitFor(() => moduleRef.get(RedisService).isAvailable, { what: 'Redis ready' });
      profiles = moduleRef.get(ProfileService);
    });

    afterAll(async () => {
      await moduleRef.close();
    });

    const calls = (name: string) => profiles.calls.get(name) ?? 0;

    it('never gives Bob the profile of Alice (private-field users)', async () => {
      const alice = new PrivateUser('u-alice', 'Alice');
      const bob = new PrivateUser('u-bob', 'Bob');
      expect(await profiles.profile(alice)).toEqual({ id: 'u-alice', name: 'Alice' });
      expect(await profiles.profile(bob)).toEqual({ id: 'u-bob', name: 'Bob' });
      expect(await profiles.profile(alice)).toEqual({ id: 'u-alice', name: 'Alice' });
      expect(await profiles.profile(bob)).toEqual({ id: 'u-bob', name: 'Bob' });
      // Their state is invisible to a hash, so every call bypasses the cache.
      expect(calls('profile')).toBe(4);
    });

    it('warns once per method about the bypass, without logging the values', () => {
      const warnings = logger.matching('warn', 'ProfileService.profile');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('PrivateUser');
      expect(warnings.join('\n')).not.toMatch(/Alice|Bob|u-alice|u-bob/);
    });

    it('caches private-field users that show their identity through toJSON, per user', async () => {
      const alice = new SerialisableUser('u-alice', 'Alice');
      const bob = new SerialisableUser('u-bob', 'Bob');
      expect(await profiles.profileOf(alice)).toEqual({ id: 'u-alice', name: 'Alice' });
      expect(await profiles.profileOf(bob)).toEqual({ id: 'u-bob', name: 'Bob' });
      expect(await profiles.profileOf(new SerialisableUser('u-alice', 'Alice'))).toEqual({
        id: 'u-alice',
        name: 'Alice',
      });
      expect(await profiles.profileOf(bob)).toEqual({ id: 'u-bob', name: 'Bob' });
      expect(calls('profileOf')).toBe(2);
      expect(logger.matching('warn', 'ProfileService.profileOf')).toHaveLength(0);
    });

    it('gives URL, RegExp, 1n and "1n", Set and array (and more) separate entries', async () => {
      const firstCalls = new Map<string, number>();
      for (const [label, value] of DISTINCT_ARGUMENTS) {
        firstCalls.set(label, (await profiles.describe(value)).call);
      }
      // A label that got an earlier label's result was served that label's entry.
      const servedBy = new Map<number, string>();
      const collided: string[] = [];
      for (const [label, call] of firstCalls) {
        const owner = servedBy.get(call);
        if (owner === undefined) servedBy.set(call, label);
        else collided.push(`${label} read the entry of ${owner}`);
      }
      expect(collided).toEqual([]);
      // An equal argument (a fresh object) reads the entry written for the first one.
      for (const [label, value] of DISTINCT_ARGUMENTS) {
        const again = structuredCloneOrSame(value);
        expect({ label, call: (await profiles.describe(again)).call }).toEqual({
          label,
          call: firstCalls.get(label),
        });
      }
      expect(calls('describe')).toBe(DISTINCT_ARGUMENTS.length);
    });
  });

  it('refuses at startup a parameter whose declared class hides its state', async () => {
    const moduleRef = await compile([OpaqueParameterService], new CapturingLogger());
    try {
      const failure: unknown = await moduleRef.init().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(InvalidCacheOptionsError);
      expect((failure as Error).message).toContain('OpaqueParameterService.profile');
      expect((failure as Error).message).toContain('PrivateUser');
    } finally {
      await moduleRef.close();
    }
  });
});

describe('default method keys belong to one provider instance per class name', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  async function initFailure(providers: Provider[]): Promise<unknown> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'owners'),
          keyPrefix: 'owners',
        }),
      ],
      providers,
    }).compile();
    moduleRef.useLogger(false);
    try {
      return await moduleRef.init().then(
        () => undefined,
        (error: unknown) => error,
      );
    } finally {
      await moduleRef.close();
    }
  }

  it('refuses two classes of one name', async () => {
    const failure = await initFailure([profileCacheClass(), profileCacheClass()]);
    expect(failure).toBeInstanceOf(InvalidCacheOptionsError);
    expect((failure as Error).message).toContain('another class of this name');
  });

  it('refuses one class provided twice (a users cache and an orders cache)', async () => {
    const ProfileCache = profileCacheClass();
    const failure = await initFailure([
      { provide: 'users', useFactory: () => new ProfileCache() },
      { provide: 'orders', useFactory: () => new ProfileCache() },
    ]);
    expect(failure).toBeInstanceOf(InvalidCacheOptionsError);
    expect((failure as Error).message).toContain('another instance of this class');
  });

  it('accepts one instance under two tokens', async () => {
    const ProfileCache = profileCacheClass();
    expect(
      await initFailure([ProfileCache, { provide: 'alias', useExisting: ProfileCache }]),
    ).toBeUndefined();
  });
});

/** A deep copy of `value` that keeps its type (URL and RegExp are rebuilt; primitives kept). */
function structuredCloneOrSame(value: unknown): unknown {
  if (value instanceof URL) return new URL(value.href);
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (value === null || typeof value !== 'object') return value;
  return structuredClone(value);
}
