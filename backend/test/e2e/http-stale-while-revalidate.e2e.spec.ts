import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { sleep, waitFor } from '../support/wait-for.js';
import {
  HANDLER_MS,
  RevalidateController,
  revalidateCalls,
  source,
} from './fixtures/revalidate.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

interface Edition {
  edition: number;
}

describe.each(adapters)('HTTP stale-while-revalidate on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({ adapter, controllers: [RevalidateController] });
  });

  afterAll(async () => {
    await t.close();
  });

  /** A GET: its X-Cache, its body and how long it took. */
  async function get(path: string) {
    const startedMs = performance.now();
    const response = await t.request(path);
    const body = (await response.json()) as Edition;
    return {
      status: response.status,
      xCache: response.headers.get('x-cache'),
      contentType: response.headers.get('content-type'),
      body,
      ms: performance.now() - startedMs,
    };
  }

  it('a route that opts in serves stale at once (X-Cache: STALE) while one refresh runs', async () => {
    const first = await get('/revalidate/news');
    expect(first.xCache).toBe('MISS');
    const ran = revalidateCalls.of('news');
    await sleep(700);
    const stale = await get('/revalidate/news');
    const more = await Promise.all(Array.from({ length: 20 }, () => get('/revalidate/news')));
    process.stdout.write(
      `[${adapter}] stale-while-revalidate: first stale answer in ${stale.ms.toFixed(0)} ms ` +
        `(handler ${HANDLER_MS} ms); 20 concurrent: ${more.map((r) => r.xCache).join(',')}\n`,
    );
    expect(stale).toMatchObject({ status: 200, xCache: 'STALE', body: first.body });
    expect(stale.ms).toBeLessThan(HANDLER_MS - 50);
    // Until the one refresh is stored they are STALE; after it, HIT with its response.
    for (const r of more) {
      const expected = r.xCache === 'STALE' ? first.body.edition : first.body.edition + 1;
      expect(['STALE', 'HIT']).toContain(r.xCache);
      expect(r.body.edition).toBe(expected);
    }
    // One refresh, in the background; its response is then a hit like any other.
    await waitFor(async () => (await get('/revalidate/news')).body.edition === ran + 1, {
      what: 'the refreshed response',
    });
    const refreshed = await get('/revalidate/news');
    expect(refreshed).toMatchObject({ status: 200, xCache: 'HIT', body: { edition: ran + 1 } });
    expect(refreshed.contentType).toBe(first.contentType);
    expect(revalidateCalls.of('news')).toBe(ran + 1);
  });

  it('a route that does not opt in runs its handler for the request that finds it expired', async () => {
    const first = await get('/revalidate/plain');
    await sleep(700);
    const after = await get('/revalidate/plain');
    expect(after.xCache).toBe('MISS');
    expect(after.body.edition).toBe(first.body.edition + 1);
  });

  it('a handler that takes the response never runs in the background', async () => {
    const first = await get('/revalidate/with-response');
    await sleep(700);
    const after = await get('/revalidate/with-response');
    expect(after.xCache).toBe('MISS');
    expect(after.body.edition).toBe(first.body.edition + 1);
  });

  it('an opted-in route refreshes ahead of expiry: hits, then the refreshed response', async () => {
    const first = await get('/revalidate/ahead');
    expect(first.xCache).toBe('MISS');
    const hit = await get('/revalidate/ahead');
    expect(hit).toMatchObject({ xCache: 'HIT', body: first.body });
    await waitFor(async () => (await get('/revalidate/ahead')).body.edition > first.body.edition, {
      what: 'the response refreshed ahead',
    });
    expect((await get('/revalidate/ahead')).xCache).toBe('HIT');
  });

  it('in grace, a failing handler gets the stale response (STALE) and is not run again for the back-off', async () => {
    const first = await get('/revalidate/flaky');
    await sleep(700);
    source.down = true;
    try {
      const ran = revalidateCalls.of('flaky');
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await get('/revalidate/flaky'));
      expect(answers.every((a) => a.status === 200 && a.xCache === 'STALE')).toBe(true);
      expect(answers.every((a) => a.body.edition === first.body.edition)).toBe(true);
      expect(revalidateCalls.of('flaky')).toBe(ran + 1);
    } finally {
      source.down = false;
    }
  });
});
