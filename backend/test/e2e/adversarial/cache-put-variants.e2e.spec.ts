/**
 * Adversarial: `@CachePut` on a route promises that "readers see the new value at once" (its
 * JSDoc) and the contract says a read started after a `@CachePut` returned never gets a value
 * loaded before it. The interceptor stores the PUT's body under one key only: the GET's path with
 * no query, no `varyHeaders` and no user. Readers of a `scope: 'user'` GET (keyed by the user) and
 * readers with a query string keep being served the response loaded before the PUT, for the
 * whole TTL, while the PUT answered 200.
 */
import {
  Body,
  Controller,
  Get,
  Injectable,
  Param,
  Put,
  Req,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { CachePut, Cacheable } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../../support/cache-test-app.js';

/** Rows of this file: a display name per id. */
const names = new Map<string, string>();
const nameOf = (id: string) => names.get(id) ?? `original ${id}`;

/** Sets `request.user` from `X-User` (as an authentication guard does). */
@Injectable()
class UserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{
      headers: Record<string, string | undefined>;
      user?: { id: string };
    }>();
    const id = request.headers['x-user'];
    if (id !== undefined) request.user = { id };
    return true;
  }
}

interface UserRequest {
  user?: { id: string };
}

/** `GET /adv-me` is cached per user; `PUT /adv-me` renames the user and stores the answer. */
@Controller('adv-me')
@UseGuards(UserGuard)
class MeController {
  @Get()
  @Cacheable({ ttlSeconds: 60, scope: 'user' })
  me(@Req() request: UserRequest) {
    const id = request.user?.id ?? 'anonymous';
    return { id, name: nameOf(`user:${id}`) };
  }

  @Put()
  @CachePut()
  rename(@Req() request: UserRequest, @Body() body: { name: string }) {
    const id = request.user?.id ?? 'anonymous';
    names.set(`user:${id}`, body.name);
    return { id, name: body.name };
  }
}

/** `GET /adv-items/:id` cached (every query parameter counts); `PUT` stores the answer. */
@Controller('adv-items')
class ItemsController {
  @Get(':id')
  @Cacheable({ ttlSeconds: 60 })
  findOne(@Param('id') id: string) {
    return { id, name: nameOf(`item:${id}`) };
  }

  @Put(':id')
  @CachePut()
  rename(@Param('id') id: string, @Body() body: { name: string }) {
    names.set(`item:${id}`, body.name);
    return { id, name: body.name };
  }
}

const adapters: HttpAdapterName[] = ['express', 'fastify'];

describe.each(adapters)(
  'adversarial: @CachePut and the GET entries it must replace, on %s',
  (adapter) => {
    let t: CacheTestApp;

    beforeAll(async () => {
      t = await startCacheTestApp({ adapter, controllers: [MeController, ItemsController] });
    });

    afterAll(async () => {
      await t.close();
    });

    const put = (path: string, name: string, headers: Record<string, string> = {}) =>
      t.request(path, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name }),
      });

    const getJson = async (path: string, headers: Record<string, string> = {}) => {
      const response = await t.request(path, { headers });
      return (await response.json()) as { id: string; name: string };
    };

    it('a user-scoped GET after PUT (@CachePut) answered 200 serves the new name', async () => {
      const alice = { 'x-user': `alice-${adapter}` };
      const warm = await getJson('/adv-me', alice);
      expect(warm.name).toBe(`original user:alice-${adapter}`);
      expect((await getJson('/adv-me', alice)).name).toBe(warm.name); // now cached for Alice

      const response = await put('/adv-me', 'Alice Renamed', alice);
      await response.arrayBuffer();
      const after = await getJson('/adv-me', alice);
      process.stdout.write(
        `[cache-put ${adapter}] PUT /adv-me ${response.status}; Alice's next GET: ${JSON.stringify(after)}\n`,
      );
      expect(response.status).toBe(200);
      expect(after.name).toBe('Alice Renamed');
    });

    it('a GET with a query string after PUT (@CachePut) answered 200 serves the new name', async () => {
      const id = `q-${adapter}`;
      await getJson(`/adv-items/${id}?lang=fr`); // cached under the key of "?lang=fr"
      const response = await put(`/adv-items/${id}`, 'renamed');
      await response.arrayBuffer();
      const plain = await getJson(`/adv-items/${id}`);
      const withQuery = await getJson(`/adv-items/${id}?lang=fr`);
      process.stdout.write(
        `[cache-put ${adapter}] PUT ${response.status}; GET without query ${JSON.stringify(plain)}, with ?lang=fr ${JSON.stringify(withQuery)}\n`,
      );
      expect(response.status).toBe(200);
      expect({ plain: plain.name, withQuery: withQuery.name }).toEqual({
        plain: 'renamed',
        withQuery: 'renamed',
      });
    });
  },
);
