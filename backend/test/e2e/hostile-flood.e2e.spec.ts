import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { runClosedLoop } from '../support/load-generator.js';
import { HostileController } from './fixtures/hostile.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];
const REQUESTS = 100_000;
const CONCURRENCY = 200;
const PAGES = 5;

/** A full garbage collection (V8's `gc`, exposed at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}

describe.each(adapters)('Cache-busting flood on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      redis: {
        args: ['--maxmemory', '20mb', '--maxmemory-policy', 'allkeys-lru'],
      },
      controllers: [HostileController],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps keys within the query allow-list and heap growth under 50 MB', async () => {
    // Warm up: routes, connections and JIT, so the heap measure is about the flood.
    await runClosedLoop({
      baseUrl: t.baseUrl,
      requests: 2 * CONCURRENCY,
      concurrency: CONCURRENCY,
      pathSource: `(i) => '/hostile/list?page=' + (i % ${PAGES})`,
    });
    collectGarbage();
    const heapBeforeBytes = process.memoryUsage().heapUsed;
    // Every request carries a query value never seen before.
    const { byStatus, elapsedMs } = await runClosedLoop({
      baseUrl: t.baseUrl,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      pathSource: `(i) => '/hostile/list?page=' + (i % ${PAGES}) + '&bust=' + i + '-' + Math.random()`,
    });
    const ok = byStatus['200'] ?? 0;
    const failed = REQUESTS - ok;
    collectGarbage();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBeforeBytes) / 1_048_576;
    const keys = await t.storedHttpKeys('/hostile/list');
    const info = await t.server.cli('INFO', 'memory');
    const usedMb = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1_048_576;
    process.stdout.write(
      `[${adapter}] flood: ${REQUESTS} unique query values in ${(elapsedMs / 1000).toFixed(1)} s (${Math.round(REQUESTS / (elapsedMs / 1000))} req/s, ` +
        `${CONCURRENCY} concurrent, keep-alive), 200 = ${ok}, failed = ${failed}; keys for the route = ${keys.length} (allow-list: page, ${PAGES} values); ` +
        `Redis used_memory ${usedMb.toFixed(1)} MB of 20; app heap growth ${heapGrowthMb.toFixed(1)} MB\n`,
    );
    expect(ok).toBe(REQUESTS);
    expect(keys.length).toBeLessThanOrEqual(PAGES);
    expect(heapGrowthMb).toBeLessThan(50);
  }, 240_000);
});
