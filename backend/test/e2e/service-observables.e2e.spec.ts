import { Injectable, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  BehaviorSubject,
  EMPTY,
  Observable,
  defer,
  isObservable,
  lastValueFrom,
  of,
  toArray,
} from 'rxjs';
import {
  CacheModule,
  Cacheable,
  InvalidCacheOptionsError,
  RedisService,
  UncacheableObservableError,
} from 'nestjs-coherent-cache';
import { productConnection } from '../support/product-user.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';

interface Post {
  channel: string;
  call: number;
}

@Injectable()
class FeedService {
  readonly calls = new Map<string, number>();

  private count(name: string): number {
    const next = (this.calls.get(name) ?? 0) + 1;
    this.calls.set(name, next);
    return next;
  }

  /** Declared as an Observable: known at startup from `design:returntype`. */
  @Cacheable(60)
  latest(channel: string): Observable<Post> {
    return defer(() => of({ channel, call: this.count('latest') }));
  }

  /** No return type to read at startup: learned on the first call. */
  @Cacheable(60)
  undeclared(channel: string) {
    return defer(() => of({ channel, call: this.count('undeclared') }));
  }

  @Cacheable(60)
  chatty(): Observable<number> {
    this.count('chatty');
    return of(1, 2, 3);
  }

  @Cacheable(60)
  silent(): Observable<number> {
    return EMPTY;
  }
}

/** A method returning a Subject: hot and multi-emission by nature, refused at startup. */
@Injectable()
class SubjectService {
  private readonly state = new BehaviorSubject(0);

  @Cacheable(60)
  watch(): BehaviorSubject<number> {
    return this.state;
  }
}

describe('@Cacheable on Observable-returning service methods (issue 12, finding 8)', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  async function compile(providers: Provider[]): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.forRoot({
          connection: await productConnection(server.url, 'obs'),
          keyPrefix: 'obs',
        }),
      ],
      providers,
    }).compile();
    moduleRef.useLogger(false);
    return moduleRef;
  }

  describe('a running app', () => {
    let moduleRef: TestingModule;
    let feed: FeedService;

    beforeAll(async () => {
      moduleRef = await compile([FeedService]);
      await moduleRef.init();
      await waitFor(() => moduleRef.get(RedisService).isAvailable, { what: 'Redis ready' });
      feed = moduleRef.get(FeedService);
    });

    afterAll(async () => {
      await moduleRef.close();
    });

    const calls = (name: string) => feed.calls.get(name) ?? 0;

    it.each(['latest', 'undeclared'] as const)(
      '%s: returns an Observable on the miss and on the hit, and runs the source once',
      async (method) => {
        const miss = feed[method]('news');
        const hit = () => feed[method]('news');
        expect(isObservable(miss)).toBe(true);
        expect(await lastValueFrom(miss)).toEqual({ channel: 'news', call: 1 });
        const second = hit();
        expect(isObservable(second)).toBe(true);
        expect(await lastValueFrom(second)).toEqual({ channel: 'news', call: 1 });
        expect(await lastValueFrom(feed[method]('sport'))).toEqual({ channel: 'sport', call: 2 });
        expect(calls(method)).toBe(2);
      },
    );

    it('is lazy: nothing runs until the Observable is subscribed', async () => {
      const before = calls('latest');
      const pending = feed.latest('lazy');
      expect(calls('latest')).toBe(before);
      expect(await lastValueFrom(pending.pipe(toArray()))).toEqual([
        { channel: 'lazy', call: before + 1 },
      ]);
    });

    it('refuses an Observable that emits more than once, naming the method', async () => {
      const result = feed.chatty();
      expect(isObservable(result)).toBe(true);
      const failure: unknown = await lastValueFrom(result).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(UncacheableObservableError);
      expect((failure as Error).message).toContain('FeedService.chatty');
    });

    it('refuses an Observable that completes without a value', async () => {
      const failure: unknown = await lastValueFrom(feed.silent()).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(UncacheableObservableError);
      expect((failure as Error).message).toContain('FeedService.silent');
    });
  });

  it('refuses at startup a method that returns a Subject', async () => {
    const moduleRef = await compile([SubjectService]);
    try {
      const failure: unknown = await moduleRef.init().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(InvalidCacheOptionsError);
      expect((failure as Error).message).toContain('SubjectService.watch');
    } finally {
      await moduleRef.close();
    }
  });
});
