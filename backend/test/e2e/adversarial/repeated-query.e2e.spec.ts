/**
 * Adversarial (issue 12, "no value crosses paths"): the query part of an HTTP key sorts the
 * parameters by name and then by value, so `?sort=price&sort=name` and `?sort=name&sort=price`
 * share one key. Both platforms hand the handler the values in the order they were sent (an
 * array), and the order of repeated parameters carries meaning (sort priority, a path of
 * filters): the second request is answered with the first one's response.
 */
import { Controller, Get, Query } from '@nestjs/common';
import { Cacheable } from 'nestjs-coherent-cache';
import type { HttpAdapterName } from '../../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../../support/cache-test-app.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

@Controller('adv-sorted')
class SortedController {
  /** Products sorted by each `sort` field in turn: the first one given decides first. */
  @Get()
  @Cacheable({ ttlSeconds: 60, queryParams: ['sort'] })
  list(@Query('sort') sort: string | string[] | undefined) {
    const fields = sort === undefined ? [] : Array.isArray(sort) ? sort : [sort];
    return { sortedBy: fields };
  }
}

describe.each(adapters)('Repeated query parameters, on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({ adapter, controllers: [SortedController] });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers ?sort=name&sort=price with the name-first order, not the price-first one', async () => {
    const first = await t.request('/adv-sorted?sort=price&sort=name');
    const firstBody = (await first.json()) as { sortedBy: string[] };
    const second = await t.request('/adv-sorted?sort=name&sort=price');
    const secondBody = (await second.json()) as { sortedBy: string[] };
    process.stdout.write(
      `[${adapter}] ?sort=price&sort=name gave ${JSON.stringify(firstBody.sortedBy)} ` +
        `(${first.headers.get('x-cache')}); ?sort=name&sort=price gave ` +
        `${JSON.stringify(secondBody.sortedBy)} (${second.headers.get('x-cache')})\n`,
    );
    expect(firstBody.sortedBy).toEqual(['price', 'name']);
    expect(secondBody.sortedBy).toEqual(['name', 'price']);
  });
});
