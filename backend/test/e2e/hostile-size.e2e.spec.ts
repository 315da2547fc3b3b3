import type { HttpAdapterName } from '../../src/config/index.js';
import { startCacheTestApp, type CacheTestApp } from '../support/cache-test-app.js';
import { HostileController } from './fixtures/hostile.controller.js';

const adapters: HttpAdapterName[] = ['express', 'fastify'];
const MAX_KEY_BYTES = 256;

describe.each(adapters)('Oversize input on %s', (adapter) => {
  let t: CacheTestApp;

  beforeAll(async () => {
    t = await startCacheTestApp({
      adapter,
      controllers: [HostileController],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  /** Byte lengths of every Redis key, listed with redis-cli SCAN. */
  async function keyLengths(): Promise<number[]> {
    const lengths: number[] = [];
    let cursor = '0';
    do {
      const reply = (await t.server.cli('SCAN', cursor, 'COUNT', '1000')).split('\n');
      cursor = reply[0] ?? '0';
      for (const k of reply.slice(1)) if (k.length > 0) lengths.push(Buffer.byteLength(k));
    } while (cursor !== '0');
    return lengths;
  }

  it('stores keys of at most 256 bytes for an 8 KB URL and for thousands of query parameters', async () => {
    const longUrl = `/hostile/query?pad=${'a'.repeat(8 * 1024)}`;
    const long = await t.request(longUrl);
    const longAgain = await t.request(longUrl);
    // 1,500 parameters fill most of Node's 16 KB request-head limit; 10,000 cannot fit in it.
    const many = `/hostile/query?${Array.from({ length: 1_500 }, (_, i) => `p${i}=${i}`).join('&')}`;
    const manyResponse = await t.request(many);
    const manyAgain = await t.request(many);
    const tenThousand = `/hostile/query?${Array.from({ length: 10_000 }, (_, i) => `p${i}=${i}`).join('&')}`;
    const tenThousandResponse = await t.request(tenThousand);
    const lengths = await keyLengths();
    const longest = Math.max(...lengths);
    process.stdout.write(
      `[${adapter}] 8 KB URL: ${long.status} then ${longAgain.headers.get('x-cache')}; 1,500 query params: ` +
        `${manyResponse.status} (count ${((await manyResponse.json()) as { count: number }).count}) then ${manyAgain.headers.get('x-cache')}; ` +
        `10,000 query params (${tenThousand.length} bytes of URL): ${tenThousandResponse.status}; ` +
        `keys stored = ${lengths.length}, longest key = ${longest} bytes\n`,
    );
    expect(long.status).toBe(200);
    expect(longAgain.headers.get('x-cache')).toBe('HIT');
    expect(manyAgain.headers.get('x-cache')).toBe('HIT');
    expect(tenThousandResponse.status).toBe(431);
    expect(longest).toBeLessThanOrEqual(MAX_KEY_BYTES);
  });

  it('answers a 10 MB response and does not store it', async () => {
    const bytes = 10 * 1024 * 1024;
    const first = await t.request(`/hostile/big?bytes=${bytes}`);
    const firstBody = await first.text();
    const second = await t.request(`/hostile/big?bytes=${bytes}`);
    await second.text();
    const stored = await t.storedHttpKeys('/hostile/big');
    process.stdout.write(
      `[${adapter}] 10 MB response: status ${first.status}, body ${firstBody.length} bytes, X-Cache ${first.headers.get('x-cache')} then ${second.headers.get('x-cache')}, keys stored = ${stored.length}\n`,
    );
    expect(first.status).toBe(200);
    expect(firstBody.length).toBeGreaterThan(bytes);
    expect(second.headers.get('x-cache')).toBe('MISS');
    expect(stored).toEqual([]);
  });
});
