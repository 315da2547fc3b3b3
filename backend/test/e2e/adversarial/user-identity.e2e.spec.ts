/**
 * Adversarial (issue 12, "no value crosses users"): two ways one user's response reaches another.
 *
 * 1. `http.userResolver` returning something other than a string or number (a careless
 *    `request => request.user`, which TypeScript accepts once `request` is `any`): the
 *    interceptor keys `scope: 'user'` entries by `String(id)`, so every user is
 *    `[object Object]` and Bob is served Alice's entry. Nothing validates what the resolver
 *    returned (the default resolver does; a custom one is trusted blindly).
 * 2. `request.user` set late: the interceptor checks `request.user` only before the handler
 *    chain runs. An authentication interceptor inside it (a controller's `@UseInterceptors`,
 *    here reading an OAuth `access_token` query parameter, RFC 6750 2.3, on a route that keys on
 *    no query parameter) sets `request.user` after that check; the response built for that user
 *    is stored as shared and Bob gets Alice's data. The README says a shared entry is written
 *    only with "no `request.user`".
 */
import {
  Controller,
  Get,
  Injectable,
  Req,
  UnauthorizedException,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { CacheInterceptor, Cacheable } from 'nestjs-coherent-cache';
import type { CacheUserResolver } from '../../../libs/cache/src/http/http-cache.options.js';
import type { HttpAdapterName } from '../../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../../support/cache-test-app.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

interface UserRequest {
  headers: Record<string, string | undefined>;
  query?: Record<string, string | undefined>;
  url?: string;
  user?: { id: string; email: string };
}

const emailOf = (id: string) => `${id}@example.test`;

/** Sets `request.user` from `X-User`, as an authentication guard does. */
@Injectable()
class HeaderUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<UserRequest>();
    const id = request.headers['x-user'];
    if (id === undefined) throw new UnauthorizedException();
    request.user = { id, email: emailOf(id) };
    return true;
  }
}

/** Authenticates by `?access_token=<user>-token` and sets `request.user`, inside the cache. */
@Injectable()
class AccessTokenInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<UserRequest>();
    const query = new URLSearchParams((request.url ?? '').split('?')[1] ?? '');
    const token = query.get('access_token');
    if (token === null || !token.endsWith('-token')) throw new UnauthorizedException();
    const id = token.slice(0, -'-token'.length);
    request.user = { id, email: emailOf(id) };
    return next.handle();
  }
}

@Controller('adv-identity')
class IdentityController {
  /** The user's own profile, cached per user. */
  @Get('profile')
  @UseGuards(HeaderUserGuard)
  @Cacheable({ ttlSeconds: 60, scope: 'user' })
  profile(@Req() request: UserRequest) {
    return { user: request.user?.id, email: request.user?.email };
  }

  /** A shared route (no query parameter in its key) whose authentication runs inside the cache. */
  @Get('inbox')
  @Cacheable({ ttlSeconds: 60, queryParams: [] })
  @UseInterceptors(AccessTokenInterceptor)
  inbox(@Req() request: UserRequest) {
    return { user: request.user?.id, email: request.user?.email };
  }
}

/** The resolver a new user writes when `request.user` is `any`: the user object itself. */
const careless = ((request: { user?: unknown }) => request.user) as unknown as CacheUserResolver;

describe.each(adapters)('User identity, on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [IdentityController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: CacheInterceptor }],
      cacheOptions: { http: { userResolver: careless } },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it("never serves Alice's profile to Bob when the userResolver returns the user object", async () => {
    const alice = await t.request('/adv-identity/profile', { headers: { 'x-user': 'alice' } });
    const aliceBody = (await alice.json()) as { user: string; email: string };
    const bob = await t.request('/adv-identity/profile', { headers: { 'x-user': 'bob' } });
    const bobBody = (await bob.json()) as { user: string; email: string };
    const keys = await t.storedHttpKeys('adv-identity/profile');
    process.stdout.write(
      `[${adapter}] userResolver returns an object: Alice got ${aliceBody.email}, Bob got ${bobBody.email} ` +
        `(Age ${bob.headers.get('age')}); keys ${JSON.stringify(keys)}\n`,
    );
    expect(aliceBody.email).toBe('alice@example.test');
    expect(bobBody.email).toBe('bob@example.test');
  });

  it('never stores as shared a response built for a request.user set inside the cache', async () => {
    const alice = await t.request('/adv-identity/inbox?access_token=alice-token');
    const aliceBody = (await alice.json()) as { user: string; email: string };
    const bob = await t.request('/adv-identity/inbox?access_token=bob-token');
    const bobBody = (await bob.json()) as { user: string; email: string };
    const keys = await t.storedHttpKeys('adv-identity/inbox');
    process.stdout.write(
      `[${adapter}] request.user set by an interceptor: Alice got ${aliceBody.email} ` +
        `(${alice.headers.get('x-cache')}), Bob got ${bobBody.email} (${bob.headers.get('x-cache')}); ` +
        `keys ${JSON.stringify(keys)}\n`,
    );
    expect(aliceBody.email).toBe('alice@example.test');
    expect(bobBody.email).toBe('bob@example.test');
    expect(keys).toEqual([]);
  });
});
