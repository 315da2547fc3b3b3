/**
 * A HIT is the MISS (issue 12, finding 7): the status, the exact bytes and content type, `Vary`,
 * the headers the handler set, and a strong `ETag` that `If-None-Match` answers with 304.
 */
import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { storedResponseKeys } from '../support/http-entries.js';
import { rawRequest, type RawResponse } from '../support/raw-request.js';
import { waitFor } from '../support/wait-for.js';
import { calls } from './fixtures/http-rules.controller.js';
import { HANDLER_HEADERS, SameBytesController } from './fixtures/same-bytes.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];

/** What a client can tell apart in a response (date and cache bookkeeping aside). */
function seen(response: RawResponse) {
  return {
    status: response.status,
    contentType: response.header('content-type'),
    body: response.body.toString('base64'),
  };
}

describe.each(adapters)('A HIT replays the MISS on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({ adapter, controllers: [SameBytesController] });
  });

  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(t.baseUrl, path, { headers });

  /** Requests `path`, waits for its entry, requests it again. */
  async function missThenHit(path: string, headers: Record<string, string> = {}) {
    const miss = await get(path, headers);
    await waitFor(async () => (await storedResponseKeys(t.cache, path)).length > 0, {
      timeoutMs: 2_000,
    }).catch(() => undefined);
    const hit = await get(path, headers);
    return { miss, hit };
  }

  it.each(['date', 'money', 'url', 'object', 'string', 'number', 'null', 'buffer', 'csv'])(
    'GET /same/%s: the platform, the miss and the hit send the same status, bytes and content type',
    async (kind) => {
      const path = `/same/${kind}`;
      // With credentials the cache stands aside: what the platform itself sends.
      const platform = await get(path, { authorization: 'Bearer platform' });
      const before = calls.of(`same-${kind}`);
      const { miss, hit } = await missThenHit(path);
      process.stdout.write(
        `[${adapter}] ${path}: platform ${JSON.stringify(seen(platform))}; miss ${miss.header('x-cache')} ` +
          `${JSON.stringify(seen(miss))}; hit ${hit.header('x-cache')} ${JSON.stringify(seen(hit))}\n`,
      );
      expect(seen(miss)).toEqual(seen(platform));
      expect(hit.header('x-cache')).toBe('HIT');
      expect(seen(hit)).toEqual(seen(miss));
      expect(calls.of(`same-${kind}`) - before).toBe(1);
    },
  );

  it('replays Link, X-Total-Count and Content-Disposition that the handler set', async () => {
    const { miss, hit } = await missThenHit('/same/headers');
    const picked = (r: RawResponse) =>
      Object.fromEntries(Object.keys(HANDLER_HEADERS).map((name) => [name, r.header(name)]));
    process.stdout.write(
      `[${adapter}] handler-set headers: miss ${JSON.stringify(picked(miss))}, hit (${hit.header('x-cache')}) ${JSON.stringify(picked(hit))}\n`,
    );
    expect(picked(miss)).toEqual(HANDLER_HEADERS);
    expect(hit.header('x-cache')).toBe('HIT');
    expect(picked(hit)).toEqual(HANDLER_HEADERS);
    expect(hit.body.equals(miss.body)).toBe(true);
  });

  it('stores nothing when the handler sets a header a hit would not send', async () => {
    const before = calls.of('same-unreplayable');
    const first = await get('/same/unreplayable');
    const second = await get('/same/unreplayable');
    expect(first.header('x-request-cost')).toBe('7');
    expect(second.header('x-request-cost')).toBe('7');
    expect(second.header('x-cache')).toBe('BYPASS');
    expect(calls.of('same-unreplayable') - before).toBe(2);
    expect(await storedResponseKeys(t.cache, '/same/unreplayable')).toEqual([]);
  });

  it('stores and replays a header the route declares in replayHeaders', async () => {
    const { hit } = await missThenHit('/same/declared');
    expect(hit.header('x-cache')).toBe('HIT');
    expect(hit.header('x-request-cost')).toBe('7');
  });

  it('sends Vary for the headers the route varies on, on the miss and on the hit', async () => {
    const { miss, hit } = await missThenHit('/same/vary', { 'accept-language': 'fr' });
    process.stdout.write(
      `[${adapter}] varyHeaders: Vary on miss ${miss.header('vary') ?? '(none)'}, on hit ${hit.header('vary') ?? '(none)'}\n`,
    );
    expect(miss.header('vary')?.toLowerCase()).toContain('accept-language');
    expect(hit.header('x-cache')).toBe('HIT');
    expect(hit.header('vary')?.toLowerCase()).toContain('accept-language');
  });

  it('gives a strong ETag, the same on miss and hit, and answers If-None-Match with 304 on both', async () => {
    const { miss, hit } = await missThenHit('/same/etag?v=1');
    const etag = miss.header('etag');
    const before = calls.of('same-etag');
    // Another key whose handler sends the same bytes: a miss, answered 304 all the same.
    const conditionalMiss = await get('/same/etag?v=2', { 'if-none-match': etag ?? '"none"' });
    const ranOnMiss = calls.of('same-etag') - before;
    const conditionalHit = await get('/same/etag?v=1', { 'if-none-match': etag ?? '"none"' });
    const otherTag = await get('/same/etag?v=1', { 'if-none-match': '"something-else"' });
    process.stdout.write(
      `[${adapter}] ETag: miss ${etag ?? '(none)'}, hit ${hit.header('etag') ?? '(none)'}; If-None-Match on a miss -> ` +
        `${conditionalMiss.status} (${conditionalMiss.header('x-cache')}), on a hit -> ${conditionalHit.status} ` +
        `(${conditionalHit.header('x-cache')}), other tag -> ${otherTag.status}\n`,
    );
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(hit.header('etag')).toBe(etag);
    expect(conditionalMiss.status).toBe(304);
    expect(conditionalMiss.header('x-cache')).toBe('MISS');
    expect(ranOnMiss).toBe(1);
    expect(conditionalMiss.body.length).toBe(0);
    expect(conditionalHit.status).toBe(304);
    expect(conditionalHit.header('x-cache')).toBe('HIT');
    expect(conditionalHit.header('etag')).toBe(etag);
    expect(conditionalHit.body.length).toBe(0);
    expect(otherTag.status).toBe(200);
    expect(otherTag.body.equals(miss.body)).toBe(true);
  });

  it('answers HEAD from the entry with the GET headers', async () => {
    const { miss } = await missThenHit('/same/csv');
    const head = await rawRequest(t.baseUrl, '/same/csv', { method: 'HEAD' });
    expect(head.header('x-cache')).toBe('HIT');
    expect(head.header('content-type')).toBe(miss.header('content-type'));
    expect(head.header('etag')).toBe(miss.header('etag'));
    expect(head.body.length).toBe(0);
  });
});
