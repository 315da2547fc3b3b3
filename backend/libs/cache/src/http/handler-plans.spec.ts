import { Controller, Get } from '@nestjs/common';
import { Cacheable } from '../decorators/cacheable.decorator.js';
import { CacheEvict } from '../decorators/cache-evict.decorator.js';
import { CacheMetadataAccessor } from '../decorators/cache-metadata.accessor.js';
import { NoCache } from '../decorators/no-cache.decorator.js';
import { HandlerPlans, countersName } from './handler-plans.js';

class Routes {
  @Get('a')
  @Cacheable({ ttlSeconds: 60, varyHeaders: ['Accept-Language'], memory: false })
  cached(): void {}

  @Get('b')
  @Cacheable({ ttlSeconds: 60, name: 'named' })
  named(): void {}

  @Get('c')
  @NoCache()
  skipped(): void {}

  @Get('d')
  @CacheEvict({ tags: ['t'] })
  evicts(): void {}

  @Get('e')
  plain(): void {}
}

@Cacheable({ ttlSeconds: 5, scope: 'user' })
@Controller({ path: 'u', version: '2' })
class UserRoutes extends Routes {}

describe('HandlerPlans', () => {
  const plans = new HandlerPlans(new CacheMetadataAccessor());

  it('resolves a route once and gives the same plan on every request', () => {
    const plan = plans.of(Routes, Routes.prototype.cached);
    expect(plans.of(Routes, Routes.prototype.cached)).toBe(plan);
    expect(plan.read).toMatchObject({
      scope: 'shared',
      varyHeaders: ['Accept-Language'],
      memory: false,
    });
    expect(plan.passThrough).toBe(false);
    expect(plan.writes).toBe(false);
  });

  it('reads GETs of undecorated routes, not of @CacheEvict ones; passes @NoCache through', () => {
    expect(plans.of(Routes, Routes.prototype.plain).read).toMatchObject({ memory: true });
    expect(plans.of(Routes, Routes.prototype.evicts)).toMatchObject({
      read: undefined,
      writes: true,
    });
    expect(plans.of(Routes, Routes.prototype.skipped).passThrough).toBe(true);
  });

  it('keeps a plan per controller: a subclass has its own class options and version', () => {
    const inherited = plans.of(UserRoutes, Routes.prototype.plain);
    expect(inherited.read?.scope).toBe('user');
    expect(inherited.version).toBe('2');
    expect(plans.of(Routes, Routes.prototype.plain).read?.scope).toBe('shared');
  });

  it('names counters by the options, else the route path, else Class.method, one string each', () => {
    expect(countersName(plans.of(Routes, Routes.prototype.named), '/b')).toBe('named');
    const plan = plans.of(Routes, Routes.prototype.cached);
    const name = countersName(plan, `/${'a'}`);
    expect(name).toBe('GET /a');
    expect(countersName(plan, '/a')).toBe(name);
    expect(countersName(plan, undefined)).toBe('Routes.cached');
  });
});
